#pragma once
// SHA-256 of input files (OpenSSL), recorded in /meta so any result can be traced to its inputs.

#include <filesystem>
#include <string>

namespace tsunagi {

// Lower-case hex digest. Throws DataError if the file cannot be read.
std::string sha256_file(std::filesystem::path const& path);
std::string sha256_text(std::string const& text);

} // namespace tsunagi
