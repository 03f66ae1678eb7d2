#include <tsunagi/core/log.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace tsunagi {

void init_logging(std::string_view level) {
    auto logger = spdlog::get("tsunagi");
    if (!logger) {
        logger = spdlog::stderr_color_mt("tsunagi");
        logger->set_pattern("%^[%l]%$ %v");
        spdlog::set_default_logger(logger);
    }
    spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

} // namespace tsunagi
