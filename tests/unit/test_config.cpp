#include <tsunagi/core/error.hpp>
#include <tsunagi/core/scenario.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace tsunagi;
using ::testing::HasSubstr;

namespace {
std::string error_of(std::function<void()> const& f) {
    try {
        f();
    } catch (ScenarioError const& e) {
        return e.what();
    }
    return "<no ScenarioError>";
}

std::string const kYaml = R"(scenario:
  name: test
  seed: 5
world:
  synthetic:
    population: 1000
    towns: 2
evacuation:
  walk_speed_mps: 0.9
  departure_delay_s:
    min: 60
)";
} // namespace

TEST(Scenario, ReadsTypedValuesAndFillsDefaults) {
    Scenario s = Scenario::from_string(kYaml, "test.yaml");
    auto root = s.root();
    auto sc = root.child("scenario");
    EXPECT_EQ(sc.string("name", "x"), "test");
    EXPECT_EQ(sc.integer("seed", 1), 5);
    EXPECT_DOUBLE_EQ(sc.number("duration_s", 3600.0, Bounds::positive()), 3600.0);
    auto syn = root.child("world").child("synthetic");
    EXPECT_EQ(syn.integer("population", 7, Bounds::at_least(1)), 1000);
    EXPECT_EQ(syn.integer("towns", 0), 2);
    auto ev = root.child("evacuation");
    EXPECT_DOUBLE_EQ(ev.number("walk_speed_mps", 0.74), 0.9);
    EXPECT_DOUBLE_EQ(ev.child("departure_delay_s").number("min", 300), 60.0);
    EXPECT_DOUBLE_EQ(ev.child("departure_delay_s").number("mean", 900), 900.0);
    EXPECT_TRUE(ev.boolean("use_shelters", true));
    EXPECT_NO_THROW(s.check_unknown());
    // Defaults are written back, so the resolved scenario is complete.
    std::string const resolved = s.resolved_yaml();
    EXPECT_THAT(resolved, HasSubstr("duration_s: 3600"));
    EXPECT_THAT(resolved, HasSubstr("mean: 900"));
    EXPECT_THAT(resolved, HasSubstr("use_shelters: true"));
    // ...and reading the resolved text again gives the same values.
    Scenario again = Scenario::from_string(resolved, "resolved");
    EXPECT_DOUBLE_EQ(again.root().child("scenario").number("duration_s", 1.0), 3600.0);
}

TEST(Scenario, UnknownKeyNamesFileLinePathAndSuggestion) {
    Scenario s = Scenario::from_string(kYaml + "output:\n  record_evry_s: 30\n", "demo.yaml");
    auto root = s.root();
    root.child("scenario").string("name", "");
    root.child("scenario").integer("seed", 1);
    auto syn = root.child("world").child("synthetic");
    syn.integer("population", 1);
    syn.integer("towns", 1);
    auto ev = root.child("evacuation");
    ev.number("walk_speed_mps", 1);
    ev.child("departure_delay_s").number("min", 1);
    root.child("output").number("record_every_s", 60);
    auto msg = error_of([&] { s.check_unknown(); });
    EXPECT_THAT(msg, HasSubstr("demo.yaml:13"));
    EXPECT_THAT(msg, HasSubstr("[output.record_evry_s]: unknown key"));
    EXPECT_THAT(msg, HasSubstr("did you mean 'record_every_s'?"));
}

TEST(Scenario, UnknownTopLevelSectionIsRejected) {
    Scenario s = Scenario::from_string("scenario:\n  name: x\nevacuaton:\n  walk_speed_mps: 1\n",
                                       "s.yaml");
    s.root().child("scenario").string("name", "");
    s.root().child("evacuation");
    auto msg = error_of([&] { s.check_unknown(); });
    EXPECT_THAT(msg, HasSubstr("[evacuaton]: unknown key"));
    EXPECT_THAT(msg, HasSubstr("did you mean 'evacuation'?"));
}

TEST(Scenario, WrongTypeAndOutOfRangeValuesAreExplained) {
    Scenario s = Scenario::from_string(
        "world:\n  synthetic:\n    population: lots\n    towns: -3\n    cell_size_m: 2.5x\n"
        "    flag: maybe\n    shares: [1, a]\n",
        "bad.yaml");
    auto syn = s.root().child("world").child("synthetic");
    auto m1 = error_of([&] { syn.integer("population", 1, Bounds::at_least(1)); });
    EXPECT_THAT(m1, HasSubstr("bad.yaml:3: [world.synthetic.population]"));
    EXPECT_THAT(m1, HasSubstr("expected a whole number ≥ 1, got 'lots'"));
    EXPECT_THAT(m1, HasSubstr("Fix:"));
    auto m2 = error_of([&] { syn.integer("towns", 0, Bounds::non_negative()); });
    EXPECT_THAT(m2, HasSubstr("bad.yaml:4: [world.synthetic.towns]"));
    EXPECT_THAT(m2, HasSubstr("got -3"));
    auto m3 = error_of([&] { syn.number("cell_size_m", 100, Bounds::positive()); });
    EXPECT_THAT(m3, HasSubstr("expected a number > 0, got '2.5x'"));
    auto m4 = error_of([&] { syn.boolean("flag", true); });
    EXPECT_THAT(m4, HasSubstr("expected true or false"));
    auto m5 = error_of([&] { syn.numbers("shares", {}, Bounds::fraction()); });
    EXPECT_THAT(m5, HasSubstr("entry 1 is 'a'"));
    // Integers may be written in scientific notation.
    Scenario t = Scenario::from_string("a:\n  n: 1e6\n  m: 1.5\n", "t.yaml");
    EXPECT_EQ(t.root().child("a").integer("n", 0), 1000000);
    EXPECT_THAT(error_of([&] { t.root().child("a").integer("m", 0); }),
                HasSubstr("expected a whole number, got '1.5'"));
}

TEST(Scenario, ChoiceListsTheOptions) {
    Scenario s = Scenario::from_string("evacuation:\n  awareness: hihg\n", "c.yaml");
    auto msg = error_of(
        [&] { s.root().child("evacuation").choice("awareness", {"low", "high"}, "high"); });
    EXPECT_THAT(msg, HasSubstr("'hihg' is not a known value"));
    EXPECT_THAT(msg, HasSubstr("did you mean 'high'?"));
    EXPECT_THAT(msg, HasSubstr("low, high"));
}

TEST(Scenario, SetOverridesValuesAndCreatesSections) {
    Scenario s = Scenario::from_string(kYaml, "o.yaml");
    s.set("world.synthetic.population=2500");
    s.set("evacuation.departure_delay_s.mean=1200");
    s.set("hazard.tsunami.rise_time_s=60");
    EXPECT_EQ(s.root().child("world").child("synthetic").integer("population", 1), 2500);
    EXPECT_DOUBLE_EQ(
        s.root().child("hazard").child("tsunami").number("rise_time_s", 600), 60.0);
    EXPECT_EQ(s.get("evacuation.departure_delay_s.mean").value(), "1200");
    EXPECT_FALSE(s.get("no.such.key").has_value());
}

TEST(Scenario, BadOverridesAreExplained) {
    Scenario s = Scenario::from_string(kYaml, "o.yaml");
    EXPECT_THAT(error_of([&] { s.set("population"); }), HasSubstr("expected KEY=VALUE"));
    EXPECT_THAT(error_of([&] { s.set("a..b=1"); }), HasSubstr("is not a key path"));
    EXPECT_THAT(error_of([&] { s.set("scenario.seed.x=1"); }),
                HasSubstr("[scenario.seed] is a single value, not a section"));
    EXPECT_THAT(error_of([&] { s.set("scenario.name="); }), HasSubstr("no value given"));
    // A bad value given by --set is reported as coming from --set.
    s.set("world.synthetic.population=-4");
    auto msg = error_of(
        [&] { s.root().child("world").child("synthetic").integer("population", 1, Bounds::at_least(1)); });
    EXPECT_THAT(msg, HasSubstr("--set world.synthetic.population=-4"));
    // So is an unknown key.
    Scenario u = Scenario::from_string("a:\n  b: 1\n", "u.yaml");
    u.set("a.c=2");
    u.root().child("a").integer("b", 0);
    EXPECT_THAT(error_of([&] { u.check_unknown(); }), HasSubstr("--set a.c=2: [a.c]: unknown key"));
}

TEST(Scenario, MalformedYamlGivesFileLineAndColumn) {
    auto msg = error_of([] { Scenario::from_string("a:\n  b: [1, 2\n  c: 3\n", "broken.yaml"); });
    EXPECT_THAT(msg, HasSubstr("broken.yaml:"));
    EXPECT_THAT(msg, HasSubstr("malformed YAML"));
    EXPECT_THAT(error_of([] { Scenario::from_string("- a\n- b\n", "list.yaml"); }),
                HasSubstr("must be a mapping of sections"));
    EXPECT_THAT(error_of([] { Scenario::from_string("a: 1\n", "x").root().child("a"); }),
                HasSubstr("expected a section"));
}

TEST(Scenario, MissingFileIsExplained) {
    auto msg = error_of([] { Scenario::load("/nonexistent/dir/kochi.yaml"); });
    EXPECT_THAT(msg, HasSubstr("/nonexistent/dir/kochi.yaml: scenario file not found"));
    EXPECT_THAT(msg, HasSubstr("scenarios/demo.yaml"));
    auto dir = std::filesystem::temp_directory_path();
    EXPECT_THAT(error_of([&] { Scenario::load(dir); }), HasSubstr("is a directory"));
}

TEST(Scenario, LoadsFromFileAndRecordsItsOrigin) {
    auto p = std::filesystem::temp_directory_path() / "tsunagi_test_scenario.yaml";
    {
        std::ofstream(p) << kYaml;
    }
    Scenario s = Scenario::load(p);
    EXPECT_EQ(s.origin(), p.string());
    EXPECT_EQ(s.directory(), p.parent_path());
    EXPECT_EQ(s.root().child("scenario").integer("seed", 0), 5);
    std::filesystem::remove(p);
}

TEST(Scenario, ListsOfSectionsHaveIndexedPaths) {
    Scenario s = Scenario::from_string(
        "hazard:\n  faults:\n    - {mw: 8.5, depth_km: 20}\n    - {mw: 8.9, dept_km: 15}\n", "f.yaml");
    auto faults = s.root().child("hazard").children("faults");
    ASSERT_EQ(faults.size(), 2u);
    EXPECT_DOUBLE_EQ(faults[1].number("mw", 0), 8.9);
    for (auto& f : faults) {
        f.number("mw", 0);
        f.number("depth_km", 10);
    }
    auto msg = error_of([&] { s.check_unknown(); });
    EXPECT_THAT(msg, HasSubstr("[hazard.faults[1].dept_km]: unknown key"));
    EXPECT_THAT(msg, HasSubstr("did you mean 'depth_km'?"));
}

TEST(Scenario, CopiesAreIndependent) {
    Scenario a = Scenario::from_string(kYaml, "a.yaml");
    Scenario b = a;
    b.set("scenario.seed=99");
    EXPECT_EQ(a.get("scenario.seed").value(), "5");
    EXPECT_EQ(b.get("scenario.seed").value(), "99");
}

TEST(Scenario, CopiesKeepLineNumbersAndOverrides) {
    Scenario a = Scenario::from_string(kYaml, "a.yaml");
    a.set("world.synthetic.towns=-1");
    Scenario const b = a; // a copy made after an override
    auto msg = error_of([&] {
        b.root().child("world").child("synthetic").integer("towns", 0, Bounds::non_negative());
    });
    EXPECT_THAT(msg, HasSubstr("--set world.synthetic.towns=-1"));
    Scenario const c = Scenario::from_string("# a comment\n\nzzz: 1\n", "c.yaml");
    Scenario const d = c;
    EXPECT_THAT(error_of([&] { d.check_unknown(); }),
                HasSubstr("c.yaml:3: [zzz]: unknown key")); // not c.yaml:1
}

TEST(Scenario, AliasesAreRejectedBecauseTheyShareValues) {
    // With an alias, yaml-cpp shares one node between two keys, so setting one (a default, an
    // override) would silently set the other.
    auto msg = error_of([] {
        Scenario::from_string(
            "evacuation:\n  departure_delay_s: {min: &d 300, mean: *d}\n", "alias.yaml");
    });
    EXPECT_THAT(msg, HasSubstr("alias.yaml:2: YAML aliases (*name) are not supported"));
    EXPECT_THAT(msg, HasSubstr("Fix:"));
    // An anchor alone is harmless.
    EXPECT_NO_THROW(Scenario::from_string("a: &x 1\nb: 2\n", "anchor.yaml"));
}

TEST(Scenario, DuplicateKeysAndExtraDocumentsAreRejected) {
    auto msg = error_of([] {
        Scenario::from_string("world:\n  synthetic:\n    population: 1000\n    population: 3000\n",
                              "dup.yaml");
    });
    EXPECT_THAT(msg, HasSubstr("dup.yaml:4: key 'population' appears twice"));
    EXPECT_THAT(msg, HasSubstr("first at line 3"));
    EXPECT_THAT(error_of([] { Scenario::from_string("a: 1\n---\nb: 2\n", "two.yaml"); }),
                HasSubstr("more than one YAML document"));
}

TEST(Scenario, QueriesOfMissingOrScalarPathsAreSafe) {
    Scenario s = Scenario::from_string("scenario:\n  seed: 3\n", "q.yaml");
    EXPECT_FALSE(s.root().is_map("nothing"));
    EXPECT_FALSE(s.root().is_scalar("nothing"));
    EXPECT_TRUE(s.root().is_map("scenario"));
    EXPECT_FALSE(s.get("scenario.seed.x").has_value());
    EXPECT_EQ(s.get("scenario.seed").value(), "3");
}

TEST(DidYouMean, FindsCloseWordsOnly) {
    EXPECT_EQ(did_you_mean("populaton", {"population", "towns"}).value(), "population");
    EXPECT_FALSE(did_you_mean("xyz", {"population", "towns"}).has_value());
}
