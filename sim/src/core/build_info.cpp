#include <tsunagi/core/build_info.hpp>

// TSUNAGI_VERSION, TSUNAGI_BUILD_TYPE and TSUNAGI_DEBUG_BUILD come from CMake; the git revision
// from git_revision.cpp, regenerated at every build.
namespace tsunagi {

namespace detail {
char const* git_revision_string() noexcept;
}

std::string version() { return TSUNAGI_VERSION; }
std::string git_revision() { return detail::git_revision_string(); }
std::string build_type() { return TSUNAGI_BUILD_TYPE; }
bool debug_build() noexcept { return TSUNAGI_DEBUG_BUILD != 0; }

} // namespace tsunagi
