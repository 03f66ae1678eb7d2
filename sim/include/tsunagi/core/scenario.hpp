#pragma once
// A scenario: the YAML file a user writes, plus --set overrides, resolved into typed sections.

#include <tsunagi/core/config.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace tsunagi {

class Scenario {
public:
    // Reads and parses a YAML file. Throws ScenarioError (missing file, malformed YAML, not a map).
    static Scenario load(std::filesystem::path const& file);
    // Parses YAML text; `origin` names it in error messages.
    static Scenario from_string(std::string const& yaml, std::string const& origin = "<string>");

    Scenario(Scenario&&) noexcept;
    Scenario& operator=(Scenario&&) noexcept;
    Scenario(Scenario const&);            // deep copy (independent YAML tree and key records)
    Scenario& operator=(Scenario const&);
    ~Scenario();

    // Applies "a.b.c=value" (value parsed as YAML: numbers, booleans, lists, strings).
    void set(std::string const& assignment);
    void set(std::string const& key_path, std::string const& yaml_value);
    // The scalar/YAML text at a key path, or nullopt if absent.
    std::optional<std::string> get(std::string const& key_path) const;

    ConfigNode root() const;
    // Rejects every key that no component asked for (call after all sections were read).
    void check_unknown() const;

    // The YAML with overrides applied and every default filled in.
    std::string resolved_yaml() const;
    std::string const& origin() const noexcept; // file path or origin name
    std::filesystem::path directory() const;    // for resolving relative data paths

private:
    Scenario() = default;
    std::shared_ptr<detail::ConfigState> state_;
};

} // namespace tsunagi
