#include <tsunagi/core/error.hpp>
#include <tsunagi/io/run_output.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace tsunagi;
using ::testing::HasSubstr;

namespace {
// A directory of this test's own: ctest runs tests in parallel processes.
std::filesystem::path tmp(std::string const& name) {
    auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto dir = std::filesystem::temp_directory_path() /
               ("tsunagi_unit_hdf5_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

RunOutput sample() {
    RunOutput o;
    o.meta.emplace_back("version", std::string("0.1.0"));
    o.meta.emplace_back("seed", std::int64_t{42});
    o.meta.emplace_back("tick_s", 1.5);
    o.meta.emplace_back("scenario", std::string("scenario:\n  name: 宇和島\n"));
    o.run.emplace_back("wall_time_s", 3.25);
    o.zones = {{"JP", "日本", ZoneLevel::Country, -1},
               {"38", "愛媛県", ZoneLevel::Prefecture, 0},
               {"38203", "宇和島市", ZoneLevel::Municipality, 1}};
    o.kpis.push_back({"population", std::int64_t{62694}, "persons", "residents"});
    o.kpis.push_back({"evacuation_time_mean_s", 1234.5, "s", "mean time"});
    o.by_zone.push_back({"deaths_direct", std::vector<std::int64_t>{5, 5, 5}, "persons", "d"});
    o.by_zone.push_back({"share", std::vector<double>{0.1, 0.2, 0.3}, "1", "s"});
    o.times_s = {0.0, 60.0};
    o.series.push_back({"evacuated_safe", "persons", "e", {0, 0, 0, 10, 10, 10}});
    return o;
}
} // namespace

TEST(Hdf5, RunOutputRoundTrips) {
    auto p = tmp("round_trip.h5");
    RunOutput const o = sample();
    write_run_output(p, o);
    RunOutput const r = read_run_output(p);
    ASSERT_EQ(r.meta.size(), o.meta.size());
    EXPECT_EQ(std::get<std::string>(*r.find_meta("version")), "0.1.0");
    EXPECT_EQ(std::get<std::int64_t>(*r.find_meta("seed")), 42);
    EXPECT_DOUBLE_EQ(std::get<double>(*r.find_meta("tick_s")), 1.5);
    EXPECT_EQ(std::get<std::string>(*r.find_meta("scenario")), "scenario:\n  name: 宇和島\n");
    ASSERT_EQ(r.zones.size(), 3u);
    EXPECT_EQ(r.zones[2].name, "宇和島市");
    EXPECT_EQ(r.zones[2].parent, 1);
    EXPECT_EQ(r.zones[1].level, ZoneLevel::Prefecture);
    ASSERT_EQ(r.kpis.size(), 2u);
    EXPECT_EQ(r.kpis[0].name, "population"); // creation order kept
    EXPECT_EQ(std::get<std::int64_t>(r.kpis[0].value), 62694);
    EXPECT_DOUBLE_EQ(std::get<double>(r.kpis[1].value), 1234.5);
    EXPECT_EQ(r.kpis[1].unit, "s");
    ASSERT_EQ(r.by_zone.size(), 2u);
    EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.by_zone[0].values),
              (std::vector<std::int64_t>{5, 5, 5}));
    EXPECT_EQ(std::get<std::vector<double>>(r.by_zone[1].values),
              (std::vector<double>{0.1, 0.2, 0.3}));
    EXPECT_EQ(r.times_s, o.times_s);
    ASSERT_EQ(r.series.size(), 1u);
    EXPECT_EQ(r.series[0].values, o.series[0].values);
    EXPECT_EQ(r.series[0].unit, "persons");
    std::filesystem::remove_all(p.parent_path());
}

TEST(Hdf5, WritingIsAtomic) {
    auto dir = tmp("a_directory");
    std::filesystem::create_directories(dir);
    try {
        write_run_output(dir, sample());
        FAIL() << "expected OutputError";
    } catch (OutputError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("is a directory"));
    }
    // A run that cannot create its file leaves nothing behind.
    std::filesystem::path const bad = "/proc/tsunagi_cannot_write_here.h5";
    EXPECT_THROW(write_run_output(bad, sample()), InputError);
    // A successful write leaves only the final file.
    write_run_output(dir.parent_path() / "ok.h5", sample());
    std::vector<std::string> names;
    for (auto const& e : std::filesystem::directory_iterator(dir.parent_path())) {
        names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a_directory", "ok.h5"}));
    std::filesystem::remove_all(dir.parent_path());
}

TEST(Hdf5, ReadingSomethingElseIsADataError) {
    try {
        read_run_output(tmp("missing.h5"));
        FAIL();
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("file not found"));
    }
    auto txt = tmp("not_hdf5.h5");
    std::ofstream(txt) << "hello";
    try {
        read_run_output(txt);
        FAIL();
    } catch (DataError const& e) {
        EXPECT_THAT(e.what(), HasSubstr("not an HDF5 file"));
    }
    std::filesystem::remove_all(txt.parent_path());
}
