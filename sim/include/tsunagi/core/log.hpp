#pragma once
// Logging goes to stderr through spdlog (stdout is for results: KPI tables, info output).

#include <string_view>

namespace tsunagi {

// level: trace, debug, info, warn, error, off. Safe to call more than once.
void init_logging(std::string_view level = "info");

} // namespace tsunagi
