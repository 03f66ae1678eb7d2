#include <tsunagi/core/clock.hpp>
#include <tsunagi/core/error.hpp>
#include <tsunagi/core/event_queue.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tsunagi;

TEST(Clock, PeriodsAreWholeNumbersOfTicks) {
    EXPECT_EQ(Period::seconds(10).in_ticks(1.0), 10);
    EXPECT_EQ(Period::seconds(10).in_ticks(2.5), 4);
    EXPECT_EQ(Period::ticks(3).in_ticks(0.5), 3);
    EXPECT_THROW(Period::seconds(10).in_ticks(3.0), ScenarioError);
    EXPECT_THROW(Period::seconds(0.5).in_ticks(1.0), ScenarioError);
    EXPECT_THROW(Period::seconds(-1).in_ticks(1.0), ScenarioError);
}

TEST(Clock, AdvancesAndConvertsTime) {
    Clock c(2.0, 5);
    EXPECT_EQ(c.tick(), 0);
    EXPECT_DOUBLE_EQ(c.time_s(), 0.0);
    c.advance();
    c.advance();
    EXPECT_DOUBLE_EQ(c.time_s(), 4.0);
    EXPECT_FALSE(c.done());
    for (int i = 0; i < 3; ++i) {
        c.advance();
    }
    EXPECT_TRUE(c.done());
    EXPECT_EQ(c.ticks_ceil(300.0), 150);
    EXPECT_EQ(c.ticks_ceil(3.0), 2);
    EXPECT_EQ(c.ticks_ceil(0.0), 0);
}

TEST(EventQueue, RunsByTickThenPriorityThenInsertion) {
    EventQueue q;
    std::vector<std::string> order;
    auto rec = [&](std::string s) { return [&order, s](EventContext const&) { order.push_back(s); }; };
    q.schedule(5, "c", rec("c"), 0);
    q.schedule(2, "b2", rec("b2"), 1);
    q.schedule(2, "b1", rec("b1"), 0);
    q.schedule(2, "b3", rec("b3"), 1);
    q.schedule(9, "d", rec("d"), 0);
    EXPECT_EQ(q.run_due(1, 1.0), 0u);
    EXPECT_EQ(q.run_due(2, 2.0), 3u);
    EXPECT_EQ(q.run_due(7, 7.0), 1u);
    EXPECT_EQ(order, (std::vector<std::string>{"b1", "b2", "b3", "c"}));
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(q.next_tick(), 9);
}

TEST(EventQueue, EventsCanScheduleForTheCurrentTick) {
    EventQueue q;
    std::vector<std::string> order;
    q.schedule(3, "first", [&](EventContext const& c) {
        order.push_back("first");
        q.schedule(c.tick, "follow-up", [&](EventContext const&) { order.push_back("follow-up"); });
        q.schedule(c.tick + 1, "later", [&](EventContext const&) { order.push_back("later"); });
    });
    q.run_due(3, 3.0);
    EXPECT_EQ(order, (std::vector<std::string>{"first", "follow-up"}));
    q.run_due(4, 4.0);
    EXPECT_EQ(order.back(), "later");
}

TEST(EventQueue, RejectsEventsInThePast) {
    EventQueue q;
    q.run_due(10, 10.0);
    try {
        q.schedule(4, "bridge fails", {});
        FAIL() << "expected ModelError";
    } catch (ModelError const& e) {
        EXPECT_NE(std::string(e.what()).find("bridge fails"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("already passed"), std::string::npos);
    }
}

TEST(Clock, CoarseTicksLaterInTheRun) {
    // 1 s ticks for 100 ticks, then 60 s ticks.
    Clock c(1.0, 200, 60.0, 100);
    EXPECT_DOUBLE_EQ(c.time_of(100), 100.0);
    EXPECT_DOUBLE_EQ(c.time_of(101), 160.0);
    EXPECT_DOUBLE_EQ(c.length_of(99), 1.0);
    EXPECT_DOUBLE_EQ(c.length_of(100), 60.0);
    EXPECT_EQ(c.base_of(102), 100 + 2 * 60);
    EXPECT_EQ(c.tick_at(50.0), 50);
    EXPECT_EQ(c.tick_at(100.0), 100);
    EXPECT_EQ(c.tick_at(130.0), 101); // the first tick starting at or after 130 s (160 s)
    EXPECT_EQ(c.tick_at(160.0), 101);
    Clock fine(2.0, 10);
    EXPECT_DOUBLE_EQ(fine.time_of(10), 20.0);
    EXPECT_EQ(fine.tick_at(3.0), 2);
}
