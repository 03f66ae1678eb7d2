#pragma once
// Private: the state shared by a Scenario and the ConfigNodes handed out from it.

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tsunagi::detail {

struct ConfigState {
    std::string origin;                           // the file (or a name for in-memory YAML)
    YAML::Node root;                              // a mapping
    std::set<std::string> known;                  // every key path some component asked for
    std::map<std::string, std::string> overrides; // key path -> the --set text that set it
    std::string text;                             // the YAML as read (copies parse it again,
    std::vector<std::pair<std::string, std::string>> applied; // keeping line numbers) and the
                                                  // overrides applied since, in order
    std::vector<std::pair<std::string, std::string>> defaults; // defaults written, in order
};

std::string join_path(std::string const& parent, std::string_view key);

} // namespace tsunagi::detail
