#include "config_state.hpp"

#include <yaml-cpp/eventhandler.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace tsunagi {

namespace {

// Rejects what YAML allows but a scenario must not contain: aliases (*name), whose values yaml-cpp
// shares between keys so that changing one key (a default, an override) would silently change the
// others; and more than one document in a file, of which all but the first would be ignored.
class StructureCheck final : public YAML::EventHandler {
public:
    explicit StructureCheck(std::string const& origin) : origin_(origin) {}
    void OnDocumentStart(YAML::Mark const&) override {}
    void OnDocumentEnd() override {}
    void OnNull(YAML::Mark const&, YAML::anchor_t) override {}
    void OnAlias(YAML::Mark const& m, YAML::anchor_t) override {
        throw ScenarioError(fmt::format(
            "{}:{}: YAML aliases (*name) are not supported in scenarios: every key needs a value "
            "of its own. Fix: write the value out in full where the alias is (or set it with "
            "--set)",
            origin_, m.line + 1));
    }
    void OnScalar(YAML::Mark const&, std::string const&, YAML::anchor_t,
                  std::string const&) override {}
    void OnSequenceStart(YAML::Mark const&, std::string const&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(YAML::Mark const&, std::string const&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

private:
    std::string const& origin_;
};

// Duplicate keys are legal for yaml-cpp (the first one wins) but not in YAML, and a silent
// first-wins is the wrong answer for a scenario.
void check_keys(YAML::Node const& n, std::string const& origin) {
    if (n.IsMap()) {
        std::map<std::string, int> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            int const line = it->first.Mark().line + 1;
            if (!it->first.IsScalar()) {
                throw ScenarioError(fmt::format("{}:{}: a key must be a plain word, not a list or "
                                                "mapping. Fix: write 'key: value'",
                                                origin, line));
            }
            auto [pos, fresh] = seen.emplace(it->first.Scalar(), line);
            if (!fresh) {
                throw ScenarioError(fmt::format(
                    "{}:{}: key '{}' appears twice in the same section (first at line {}). Fix: "
                    "keep one of them",
                    origin, line, it->first.Scalar(), pos->second));
            }
            check_keys(it->second, origin);
        }
    } else if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) {
            check_keys(n[i], origin);
        }
    }
}

std::shared_ptr<detail::ConfigState> parse(std::string const& text, std::string const& origin) {
    auto st = std::make_shared<detail::ConfigState>();
    st->origin = origin;
    st->text = text;
    try {
        std::istringstream in(text);
        YAML::Parser parser(in);
        StructureCheck check(origin);
        int documents = 0;
        while (parser.HandleNextDocument(check)) {
            if (++documents > 1) {
                throw ScenarioError(fmt::format("{}: holds more than one YAML document (---). "
                                                "Fix: keep one scenario per file",
                                                origin));
            }
        }
        st->root = YAML::Load(text);
    } catch (YAML::ParserException const& e) {
        throw ScenarioError(fmt::format(
            "{}:{}:{}: malformed YAML: {}. Fix: correct the syntax at that line (indent with "
            "spaces, 'key: value' pairs, lists as '- item')",
            origin, e.mark.line + 1, e.mark.column + 1, e.msg));
    }
    if (!st->root.IsDefined() || st->root.IsNull()) {
        st->root = YAML::Node(YAML::NodeType::Map); // an empty scenario: all defaults
    } else if (!st->root.IsMap()) {
        throw ScenarioError(fmt::format(
            "{}: the scenario must be a mapping of sections (scenario:, world:, ...), but the "
            "file's top level is {}. Fix: start from scenarios/demo.yaml",
            origin, st->root.IsSequence() ? "a list" : "a single value"));
    }
    check_keys(st->root, origin);
    return st;
}

std::vector<std::string> split_path(std::string const& key_path, std::string const& context) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : key_path) {
        if (c == '.') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    parts.push_back(cur);
    for (auto const& p : parts) {
        bool ok = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
        if (!ok) {
            throw ScenarioError(fmt::format(
                "{}: '{}' is not a key path. Fix: write dotted keys like "
                "world.synthetic.population=50000",
                context, key_path));
        }
    }
    return parts;
}

void check_map(detail::ConfigState const& st, YAML::Node const& map, std::string const& path) {
    for (auto it = map.begin(); it != map.end(); ++it) {
        std::string const key = it->first.Scalar();
        std::string const full = detail::join_path(path, key);
        if (!st.known.contains(full)) {
            std::vector<std::string> siblings;
            std::string const prefix = path.empty() ? "" : path + ".";
            for (auto const& k : st.known) {
                if (k.starts_with(prefix) && k.size() > prefix.size()) {
                    std::string rest = k.substr(prefix.size());
                    if (rest.find_first_of(".[") == std::string::npos) {
                        siblings.push_back(rest);
                    }
                }
            }
            std::string where = st.origin;
            for (auto const& [p, text] : st.overrides) {
                if (full == p || full.starts_with(p + ".")) {
                    where = "--set " + text;
                }
            }
            if (where == st.origin && !it->first.Mark().is_null()) {
                where = fmt::format("{}:{}", st.origin, it->first.Mark().line + 1);
            }
            std::string fix;
            if (auto m = did_you_mean(key, siblings)) {
                fix = fmt::format("did you mean '{}'? ", *m);
            }
            std::string const section = path.empty() ? "the top level" : "[" + path + "]";
            if (siblings.empty()) {
                fix += fmt::format("remove it; {} takes no keys", section);
            } else {
                fix += fmt::format("correct or remove it; the keys known at {} are: {}", section,
                                   fmt::join(siblings, ", "));
            }
            throw ScenarioError(fmt::format("{}: [{}]: unknown key. Fix: {}", where, full, fix));
        }
        YAML::Node const v = it->second;
        if (v.IsMap()) {
            check_map(st, v, full);
        } else if (v.IsSequence()) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (v[i].IsMap()) {
                    check_map(st, v[i], fmt::format("{}[{}]", full, i));
                }
            }
        }
    }
}

// Nodes written by code have the default style; text loaded in flow style would print as flow.
void default_style(YAML::Node n) {
    n.SetStyle(YAML::EmitterStyle::Default);
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
            default_style(it->second);
        }
    } else if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i) {
            default_style(n[i]);
        }
    }
}

} // namespace

Scenario Scenario::load(std::filesystem::path const& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        throw ScenarioError(fmt::format(
            "{}: scenario file not found (looked for {}). Fix: check the path; the scenarios that "
            "come with Tsunagi are in scenarios/, e.g. scenarios/demo.yaml",
            file.string(), std::filesystem::absolute(file, ec).string()));
    }
    if (std::filesystem::is_directory(file, ec)) {
        throw ScenarioError(fmt::format(
            "{}: is a directory, not a scenario file. Fix: name a .yaml file inside it",
            file.string()));
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw ScenarioError(fmt::format("{}: cannot be read (permission denied?). Fix: make the "
                                        "file readable",
                                        file.string()));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    Scenario s;
    s.state_ = parse(ss.str(), file.string());
    return s;
}

Scenario Scenario::from_string(std::string const& yaml, std::string const& origin) {
    Scenario s;
    s.state_ = parse(yaml, origin);
    return s;
}

Scenario::Scenario(Scenario&&) noexcept = default;
Scenario& Scenario::operator=(Scenario&&) noexcept = default;
Scenario::~Scenario() = default;

Scenario::Scenario(Scenario const& other) {
    // Parse the text again rather than cloning the tree: a clone loses the line numbers that
    // error messages point to. Then replay the overrides and the defaults written since, in
    // order, so the copy's tree (and resolved YAML) is the original's.
    state_ = parse(other.state_->text, other.state_->origin);
    for (auto const& [key, value] : other.state_->applied) {
        set(key, value);
    }
    state_->overrides = other.state_->overrides;
    state_->known = other.state_->known;
    for (auto const& [path, text] : other.state_->defaults) {
        // path: dotted keys, possibly with [i] list indices from children(); walk it.
        YAML::Node node = state_->root;
        std::string rest = path;
        bool ok = true;
        while (ok) {
            std::size_t const dot = rest.find('.');
            std::string head = rest.substr(0, dot);
            std::size_t const br = head.find('[');
            YAML::Node const& cnode = node;
            if (dot == std::string::npos && br == std::string::npos) {
                if (!cnode[head].IsDefined() || cnode[head].IsNull()) {
                    YAML::Node v = YAML::Load(text);
                    default_style(v); // as the node the default was written from
                    node[head] = v;
                }
                break;
            }
            YAML::Node next;
            if (br != std::string::npos) { // "key[i]"
                std::string const key = head.substr(0, br);
                auto const i = static_cast<std::size_t>(std::stoul(head.substr(br + 1)));
                YAML::Node const list = cnode[key];
                ok = list.IsDefined() && list.IsSequence() && i < list.size();
                if (ok) {
                    next.reset(list[i]);
                }
            } else {
                YAML::Node const child = cnode[head];
                ok = child.IsDefined() && child.IsMap();
                if (ok) {
                    next.reset(child);
                }
            }
            if (!ok || dot == std::string::npos) {
                break;
            }
            node.reset(next);
            rest = rest.substr(dot + 1);
        }
    }
    state_->defaults = other.state_->defaults;
}

Scenario& Scenario::operator=(Scenario const& other) {
    if (this != &other) {
        Scenario copy(other);
        *this = std::move(copy);
    }
    return *this;
}

void Scenario::set(std::string const& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw ScenarioError(fmt::format(
            "--set {}: expected KEY=VALUE. Fix: write e.g. --set world.synthetic.population=50000",
            assignment));
    }
    set(assignment.substr(0, eq), assignment.substr(eq + 1));
}

void Scenario::set(std::string const& key_path, std::string const& yaml_value) {
    std::string const context = fmt::format("--set {}={}", key_path, yaml_value);
    auto parts = split_path(key_path, context);
    YAML::Node value;
    try {
        value = YAML::Load(yaml_value);
    } catch (YAML::ParserException const& e) {
        throw ScenarioError(fmt::format("{}: the value is not valid YAML ({}). Fix: quote it, "
                                        "e.g. --set 'scenario.name=\"my run\"'",
                                        context, e.msg));
    }
    if (!value.IsDefined() || value.IsNull()) {
        throw ScenarioError(fmt::format("{}: no value given. Fix: write KEY=VALUE", context));
    }
    YAML::Node node = state_->root;
    std::string path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        path = detail::join_path(path, parts[i]);
        YAML::Node const& cnode = node;
        YAML::Node const existing = cnode[parts[i]];
        if (!existing.IsDefined() || existing.IsNull()) {
            node[parts[i]] = YAML::Node(YAML::NodeType::Map);
        } else if (!existing.IsMap()) {
            throw ScenarioError(fmt::format(
                "{}: [{}] is a single value, not a section, so it has no key '{}'. Fix: set [{}] "
                "itself",
                context, path, parts[i + 1], path));
        }
        YAML::Node const next = cnode[parts[i]];
        node.reset(next);
    }
    node[parts.back()] = value;
    state_->overrides[key_path] = context.substr(6);
    state_->applied.emplace_back(key_path, yaml_value);
}

std::optional<std::string> Scenario::get(std::string const& key_path) const {
    auto parts = split_path(key_path, "get(" + key_path + ")");
    YAML::Node node = state_->root;
    for (auto const& p : parts) {
        if (!node.IsMap()) {
            return std::nullopt;
        }
        YAML::Node const& cnode = node;
        YAML::Node const next = cnode[p];
        if (!next.IsDefined()) {
            return std::nullopt;
        }
        node.reset(next);
    }
    if (node.IsScalar()) {
        return node.Scalar();
    }
    return YAML::Dump(node);
}

ConfigNode Scenario::root() const {
    return ConfigNode(state_, "", std::make_shared<YAML::Node>(state_->root));
}

void Scenario::check_unknown() const { check_map(*state_, state_->root, ""); }

std::string Scenario::resolved_yaml() const {
    YAML::Emitter out;
    out << state_->root;
    return std::string(out.c_str()) + "\n";
}

std::string const& Scenario::origin() const noexcept { return state_->origin; }

std::filesystem::path Scenario::directory() const {
    std::filesystem::path p(state_->origin);
    if (p.has_parent_path()) {
        return p.parent_path();
    }
    return std::filesystem::current_path();
}

} // namespace tsunagi
