#include "config_state.hpp"

#include <tsunagi/core/config.hpp>
#include <tsunagi/core/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace tsunagi {
namespace detail {
std::string join_path(std::string const& parent, std::string_view key) {
    if (parent.empty()) {
        return std::string(key);
    }
    return parent + "." + std::string(key);
}
} // namespace detail

namespace {

std::string describe_node(YAML::Node const& n) {
    if (!n.IsDefined() || n.IsNull()) {
        return "nothing";
    }
    if (n.IsMap()) {
        return "a mapping";
    }
    if (n.IsSequence()) {
        return "a list";
    }
    return "'" + n.Scalar() + "'";
}

std::string format_number(double v) { return fmt::format("{}", v); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t const sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

} // namespace

bool Bounds::contains(double v) const noexcept {
    if (std::isnan(v)) {
        return false;
    }
    bool const lo = min_exclusive ? v > min : v >= min;
    bool const hi = max_exclusive ? v < max : v <= max;
    return lo && hi;
}

std::string Bounds::describe() const {
    bool const has_min = std::isfinite(min);
    bool const has_max = std::isfinite(max);
    if (has_min && has_max) {
        return fmt::format("a number in {}{}, {}{}", min_exclusive ? "(" : "[", format_number(min),
                           format_number(max), max_exclusive ? ")" : "]");
    }
    if (has_min) {
        return fmt::format("a number {} {}", min_exclusive ? ">" : "≥", format_number(min));
    }
    if (has_max) {
        return fmt::format("a number {} {}", max_exclusive ? "<" : "≤", format_number(max));
    }
    return "a number";
}

std::optional<std::string> did_you_mean(std::string_view word,
                                        std::vector<std::string> const& candidates) {
    std::optional<std::string> best;
    std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (auto const& c : candidates) {
        std::size_t const d = edit_distance(word, c);
        if (d < best_d || (d == best_d && best && c < *best)) {
            best_d = d;
            best = c;
        }
    }
    if (!best && word.size() >= 4) {
        // A key written without its unit suffix ("walk_speed" for "walk_speed_mps") or with
        // extra characters: suggest the shortest candidate one is a prefix of.
        for (auto const& c : candidates) {
            if ((c.starts_with(word) || word.starts_with(c)) && (!best || c.size() < best->size())) {
                best = c;
            }
        }
    }
    return best;
}

ConfigNode::ConfigNode(std::shared_ptr<detail::ConfigState> state, std::string path,
                       std::shared_ptr<YAML::Node> node)
    : state_(std::move(state)), path_(std::move(path)), node_(std::move(node)) {}

std::string ConfigNode::key_path(std::string_view key) const {
    return detail::join_path(path_, key);
}

std::string ConfigNode::location(std::string_view key) const {
    std::string const full = key.empty() ? path_ : key_path(key);
    // An override of this key or of a section containing it.
    for (auto const& [p, text] : state_->overrides) {
        if (full == p || full.starts_with(p + ".") || full.starts_with(p + "[")) {
            return "--set " + text;
        }
    }
    YAML::Node const& self = *node_;
    YAML::Mark mark = self.Mark();
    if (!key.empty()) {
        YAML::Node const v = self[std::string(key)];
        if (v.IsDefined() && !v.Mark().is_null()) {
            mark = v.Mark();
        }
    }
    if (!mark.is_null() && mark.line >= 0) {
        return fmt::format("{}:{}", state_->origin, mark.line + 1);
    }
    return state_->origin;
}

void ConfigNode::fail(std::string_view key, std::string const& problem,
                      std::string const& fix) const {
    std::string const kp = key.empty() ? path_ : key_path(key);
    throw ScenarioError(fmt::format("{}: [{}]: {}. Fix: {}", location(key), kp, problem, fix));
}

YAML::Node ConfigNode::value(std::string_view key) const {
    state_->known.insert(key_path(key));
    YAML::Node const& self = *node_;
    return self[std::string(key)];
}

void ConfigNode::set_default(std::string_view key, YAML::Node const& v) const {
    (*node_)[std::string(key)] = v;
    YAML::Emitter e;
    e << YAML::Flow << v;
    state_->defaults.emplace_back(key_path(key), e.c_str()); // for copies (Scenario's copy)
}

bool ConfigNode::has(std::string_view key) const {
    YAML::Node const& self = *node_;
    YAML::Node const v = self[std::string(key)];
    return v.IsDefined() && !v.IsNull();
}

bool ConfigNode::is_map(std::string_view key) const {
    YAML::Node const& self = *node_;
    YAML::Node const v = self[std::string(key)];
    return v.IsDefined() && v.IsMap();
}

bool ConfigNode::is_scalar(std::string_view key) const {
    YAML::Node const& self = *node_;
    YAML::Node const v = self[std::string(key)];
    return v.IsDefined() && v.IsScalar();
}

ConfigNode ConfigNode::child(std::string_view key) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        // (A node read from an absent key is invalid in yaml-cpp and cannot be re-bound: take
        // a fresh handle to the mapping just inserted.)
        set_default(key, YAML::Node(YAML::NodeType::Map));
        YAML::Node const& self = *node_;
        return ConfigNode(state_, key_path(key),
                          std::make_shared<YAML::Node>(self[std::string(key)]));
    }
    if (!v.IsMap()) {
        fail(key, fmt::format("expected a section (a mapping of keys), got {}", describe_node(v)),
             fmt::format("write [{}] as an indented block of 'key: value' lines", key_path(key)));
    }
    return ConfigNode(state_, key_path(key), std::make_shared<YAML::Node>(v));
}

std::vector<ConfigNode> ConfigNode::children(std::string_view key) const {
    YAML::Node v = value(key);
    std::vector<ConfigNode> out;
    if (!v.IsDefined() || v.IsNull()) {
        set_default(key, YAML::Node(YAML::NodeType::Sequence));
        return out;
    }
    if (!v.IsSequence()) {
        fail(key, fmt::format("expected a list of sections, got {}", describe_node(v)),
             "write each entry as a '- key: value' block");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        YAML::Node e = v[i];
        std::string const p = fmt::format("{}[{}]", key_path(key), i);
        if (!e.IsMap()) {
            ConfigNode(state_, p, std::make_shared<YAML::Node>(v))
                .fail({}, fmt::format("expected a section, got {}", describe_node(e)),
                      "write the entry as 'key: value' lines");
        }
        state_->known.insert(p);
        out.push_back(ConfigNode(state_, p, std::make_shared<YAML::Node>(e)));
    }
    return out;
}

namespace {
// Parses a scalar as a finite double; nullopt if it is not a number.
std::optional<double> parse_double(YAML::Node const& v) {
    if (!v.IsScalar()) {
        return std::nullopt;
    }
    try {
        double const d = v.as<double>();
        if (!std::isfinite(d)) {
            return std::nullopt;
        }
        return d;
    } catch (YAML::Exception const&) {
        return std::nullopt;
    }
}
} // namespace

double ConfigNode::number(std::string_view key, double def, Bounds b) const {
    if (auto v = optional_number(key, b)) {
        return *v;
    }
    set_default(key, YAML::Node(fmt::format("{}", def))); // shortest text that round-trips
    return def;
}

std::optional<double> ConfigNode::optional_number(std::string_view key, Bounds b) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        return std::nullopt;
    }
    auto d = parse_double(v);
    if (!d) {
        fail(key, fmt::format("expected {}, got {}", b.describe(), describe_node(v)),
             fmt::format("set {} to {}", key_path(key), b.describe()));
    }
    if (!b.contains(*d)) {
        fail(key, fmt::format("expected {}, got {}", b.describe(), v.Scalar()),
             fmt::format("set {} to {}", key_path(key), b.describe()));
    }
    return d;
}

double ConfigNode::required_number(std::string_view key, Bounds b) const {
    if (auto v = optional_number(key, b)) {
        return *v;
    }
    fail(key, "is required but missing", fmt::format("add {}: <{}>", key, b.describe()));
}

std::int64_t ConfigNode::integer(std::string_view key, std::int64_t def, Bounds b) const {
    if (auto v = optional_integer(key, b)) {
        return *v;
    }
    set_default(key, YAML::Node(def));
    return def;
}

std::optional<std::int64_t> ConfigNode::optional_integer(std::string_view key, Bounds b) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        return std::nullopt;
    }
    std::string what = b.describe();
    what.replace(0, 8, "a whole number"); // "a number..." -> "a whole number..."
    auto d = parse_double(v); // accepts 1e6 as well as 1000000
    if (!d || std::floor(*d) != *d || std::abs(*d) > 9.0e15) {
        fail(key, fmt::format("expected {}, got {}", what, describe_node(v)),
             fmt::format("set {} to {}", key_path(key), what));
    }
    if (!b.contains(*d)) {
        fail(key, fmt::format("expected {}, got {}", what, v.Scalar()),
             fmt::format("set {} to {}", key_path(key), what));
    }
    return static_cast<std::int64_t>(*d);
}

bool ConfigNode::boolean(std::string_view key, bool def) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        set_default(key, YAML::Node(def));
        return def;
    }
    try {
        if (v.IsScalar()) {
            return v.as<bool>();
        }
    } catch (YAML::Exception const&) {
    }
    fail(key, fmt::format("expected true or false, got {}", describe_node(v)),
         fmt::format("set {} to true or false", key_path(key)));
}

std::optional<std::string> ConfigNode::optional_string(std::string_view key) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        return std::nullopt;
    }
    if (!v.IsScalar()) {
        fail(key, fmt::format("expected a text value, got {}", describe_node(v)),
             fmt::format("set {} to a single value", key_path(key)));
    }
    return v.Scalar();
}

std::string ConfigNode::string(std::string_view key, std::string def) const {
    if (auto s = optional_string(key)) {
        return *s;
    }
    set_default(key, YAML::Node(def));
    return def;
}

std::string ConfigNode::required_string(std::string_view key) const {
    if (auto s = optional_string(key)) {
        return *s;
    }
    fail(key, "is required but missing", fmt::format("add {}: <value>", key));
}

std::string ConfigNode::choice(std::string_view key, std::vector<std::string> const& options,
                               std::string def) const {
    std::string const s = string(key, def);
    if (std::find(options.begin(), options.end(), s) != options.end()) {
        return s;
    }
    std::string list = fmt::format("{}", fmt::join(options, ", "));
    std::string fix = fmt::format("use one of: {}", list);
    if (auto m = did_you_mean(s, options)) {
        fix = fmt::format("did you mean '{}'? Use one of: {}", *m, list);
    }
    fail(key, fmt::format("'{}' is not a known value", s), fix);
}

namespace {
void flatten(YAML::Node const& n, std::string const& prefix, std::set<std::string>& known,
             std::vector<std::pair<std::string, std::string>>& out) {
    for (auto it = n.begin(); it != n.end(); ++it) {
        std::string const key = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
        if (it->second.IsMap() && it->second.size() > 0) {
            flatten(it->second, key, known, out);
        } else {
            YAML::Emitter e;
            e << YAML::Flow << it->second;
            out.emplace_back(key, e.c_str());
        }
    }
}

void mark_known(YAML::Node const& n, std::string const& path, std::set<std::string>& known) {
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string const p = path + "." + it->first.Scalar();
            known.insert(p);
            mark_known(it->second, p, known);
        }
    }
}
} // namespace

std::vector<std::pair<std::string, std::string>> ConfigNode::assignments(std::string_view key) const {
    YAML::Node const v = value(key);
    std::vector<std::pair<std::string, std::string>> out;
    if (!v.IsDefined() || v.IsNull()) {
        return out;
    }
    if (!v.IsMap()) {
        fail(key, fmt::format("expected a mapping of key paths to values, got {}",
                              describe_node(v)),
             fmt::format("write e.g. {}: {{evacuation.awareness: high}}", key));
    }
    flatten(v, "", state_->known, out);
    mark_known(v, key_path(key), state_->known);
    return out;
}

std::vector<double> ConfigNode::numbers(std::string_view key, std::vector<double> def,
                                        Bounds b) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (double d : def) {
            seq.push_back(fmt::format("{}", d));
        }
        set_default(key, seq);
        return def;
    }
    if (!v.IsSequence()) {
        fail(key, fmt::format("expected a list of numbers, got {}", describe_node(v)),
             fmt::format("write {} as [a, b, ...]", key_path(key)));
    }
    std::vector<double> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        auto d = parse_double(v[i]);
        if (!d || !b.contains(*d)) {
            fail(key,
                 fmt::format("entry {} is {}, expected {}", i, describe_node(v[i]), b.describe()),
                 fmt::format("make every entry of {} {}", key_path(key), b.describe()));
        }
        out.push_back(*d);
    }
    return out;
}

std::vector<std::string> ConfigNode::strings(std::string_view key,
                                             std::vector<std::string> def) const {
    YAML::Node const v = value(key);
    if (!v.IsDefined() || v.IsNull()) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (auto const& s : def) {
            seq.push_back(s);
        }
        set_default(key, seq);
        return def;
    }
    if (v.IsScalar()) {
        return {v.Scalar()};
    }
    if (!v.IsSequence()) {
        fail(key, fmt::format("expected a list of values, got {}", describe_node(v)),
             fmt::format("write {} as [a, b, ...]", key_path(key)));
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].IsScalar()) {
            fail(key,
                 fmt::format("entry {} is {}, expected a single value", i, describe_node(v[i])),
                 fmt::format("make every entry of {} a plain value", key_path(key)));
        }
        out.push_back(v[i].Scalar());
    }
    return out;
}

} // namespace tsunagi
