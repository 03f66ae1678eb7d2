#include <tsunagi/agents/agent_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

using namespace tsunagi;

TEST(AgentStore, FieldsHaveTypedHandlesAndDefaults) {
    AgentStore s("resident");
    auto speed = s.add_field<float>("speed", 1.5f);
    auto state = s.add_field<std::uint8_t>("state", 3);
    s.append_range(100, 5);
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s.ids()[0], 100u);
    EXPECT_EQ(s.ids()[4], 104u);
    EXPECT_FLOAT_EQ(s.column(speed)[2], 1.5f);
    EXPECT_EQ(s.column(state)[4], 3);
    // A field added later is filled for existing rows.
    auto late = s.add_field<std::int32_t>("late", -7);
    EXPECT_EQ(s.column(late)[3], -7);
    // Looking up by name gives the same column; the wrong type is refused.
    EXPECT_EQ(s.field<float>("speed").index(), speed.index());
    EXPECT_EQ(s.add_field<float>("speed").index(), speed.index());
    EXPECT_THROW(s.field<double>("speed"), ModelError);
    EXPECT_THROW(s.field<float>("nope"), ModelError);
    EXPECT_EQ(s.bytes_per_agent(), sizeof(AgentId) + 4 + 1 + 4);
}

TEST(AgentStore, StagedDeathsFromManyThreadsRemoveExactlyThoseAgents) {
    AgentStore s("vehicle");
    auto tag = s.add_field<std::uint32_t>("tag");
    s.append_range(0, 10000);
    for (std::size_t i = 0; i < s.size(); ++i) {
        s.column(tag)[i] = static_cast<std::uint32_t>(i * 3); // tag = 3 * id
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t row = static_cast<std::size_t>(t); row < 10000; row += 4) {
                if (row % 7 == 0) {
                    s.stage_death(row);
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    s.stage_death(14); // staged twice: removed once
    EXPECT_EQ(s.size(), 10000u); // nothing happens before commit
    s.commit();
    EXPECT_EQ(s.size(), 10000u - 1429u);
    std::vector<AgentId> ids(s.ids().begin(), s.ids().end());
    std::sort(ids.begin(), ids.end());
    EXPECT_TRUE(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    for (std::size_t row = 0; row < s.size(); ++row) {
        EXPECT_NE(s.ids()[row] % 7, 0u);
        EXPECT_EQ(s.column(tag)[row], s.ids()[row] * 3); // fields moved with their agent
    }
}

TEST(AgentStore, StagedBirthsAreAppendedInIdOrderWhateverTheStagingOrder) {
    AgentStore s("truck");
    auto load = s.add_field<float>("load_kg");
    s.append_range(0, 2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (AgentId id = 100 + static_cast<AgentId>(t); id < 140; id += 4) {
                s.stage_birth(id, [id, load](AgentStore& st, std::size_t row) {
                    st.column(load)[row] = static_cast<float>(id) * 10.0f;
                });
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(s.pending_births(), 40u);
    s.commit();
    ASSERT_EQ(s.size(), 42u);
    for (std::size_t row = 2; row < s.size(); ++row) {
        EXPECT_EQ(s.ids()[row], 100 + row - 2);
        EXPECT_FLOAT_EQ(s.column(load)[row], static_cast<float>(s.ids()[row]) * 10.0f);
    }
    s.stage_birth(200, {});
    s.stage_birth(200, {});
    EXPECT_THROW(s.commit(), ModelError);
}

TEST(AgentStore, DeathOfAnUnknownRowIsAnError) {
    AgentStore s("x");
    s.append_range(0, 3);
    s.stage_death(3);
    EXPECT_THROW(s.commit(), ModelError);
}
