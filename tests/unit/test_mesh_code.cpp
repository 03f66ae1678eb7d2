#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tsunagi/world/mesh_code.hpp>

using namespace tsunagi;
using ::testing::HasSubstr;

TEST(MeshCode, DecodesEveryLevel) {
    // 5339: 1st-order mesh of Tokyo, SW corner 35.3333 N, 139 E, 40' × 1°.
    auto m1 = parse_mesh_code("5339");
    ASSERT_TRUE(m1);
    EXPECT_NEAR(m1->south, 53.0 / 1.5, 1e-12);
    EXPECT_DOUBLE_EQ(m1->west, 139.0);
    EXPECT_NEAR(m1->height, 40.0 / 60.0, 1e-12);
    EXPECT_DOUBLE_EQ(m1->width, 1.0);
    auto m2 = parse_mesh_code("533945");
    ASSERT_TRUE(m2);
    EXPECT_NEAR(m2->south, 53.0 / 1.5 + 4.0 / 12.0, 1e-12);
    EXPECT_NEAR(m2->west, 139.0 + 5.0 / 8.0, 1e-12);
    auto m3 = parse_mesh_code("53394547");
    ASSERT_TRUE(m3);
    EXPECT_NEAR(m3->height, 30.0 / 3600.0, 1e-15);
    EXPECT_NEAR(m3->width, 45.0 / 3600.0, 1e-15);
    EXPECT_EQ(m3->digits, 8);
    for (std::string const code : {"533945471", "5339454712", "53394547123"}) {
        auto m = parse_mesh_code(code);
        ASSERT_TRUE(m) << code;
        EXPECT_EQ(m->digits, static_cast<int>(code.size()));
    }
    EXPECT_NEAR(parse_mesh_code("5339454712")->width, 45.0 / 3600.0 / 4.0, 1e-15);
    EXPECT_NEAR(parse_mesh_code("53394547123")->height, 30.0 / 3600.0 / 8.0, 1e-15);
}

TEST(MeshCode, HalfMeshQuadrantsFollowTheDataReadmeFormula) {
    // shared/data/README.md 2a: lat = a/1.5 + c/12 + e/120 (+1/240 if q in {3,4}),
    // lon = 100 + b + d/8 + f/80 (+1/160 if q in {2,4}); 493264443 is a dense downtown Uwajima
    // cell.
    for (int q = 1; q <= 4; ++q) {
        std::string const code = "49326444" + std::to_string(q);
        auto m = parse_mesh_code(code);
        ASSERT_TRUE(m);
        double const lat = 49 / 1.5 + 6 / 12.0 + 4 / 120.0 + ((q == 3 || q == 4) ? 1 / 240.0 : 0.0);
        double const lon = 100 + 32 + 4 / 8.0 + 4 / 80.0 + ((q == 2 || q == 4) ? 1 / 160.0 : 0.0);
        EXPECT_NEAR(m->south, lat, 1e-12) << code;
        EXPECT_NEAR(m->west, lon, 1e-12) << code;
        EXPECT_NEAR(m->height, 1 / 240.0, 1e-15);
        EXPECT_NEAR(m->width, 1 / 160.0, 1e-15);
    }
}

TEST(MeshCode, RoundTripsThroughPoints) {
    for (int digits : {4, 6, 8, 9, 10, 11}) {
        for (auto [lon, lat] : {std::pair{132.5612, 33.2207}, std::pair{139.7671, 35.6812},
                                std::pair{141.3544, 43.0618}, std::pair{127.6809, 26.2124}}) {
            std::string const code = mesh_code_at(lon, lat, digits);
            ASSERT_EQ(code.size(), static_cast<std::size_t>(digits));
            auto m = parse_mesh_code(code);
            ASSERT_TRUE(m) << code;
            EXPECT_LE(m->west, lon);
            EXPECT_LT(lon, m->east());
            EXPECT_LE(m->south, lat);
            EXPECT_LT(lat, m->north());
        }
    }
}

TEST(MeshCode, RejectsCodesThatDoNotParseWithTheReason) {
    std::string why;
    EXPECT_FALSE(parse_mesh_code("49326", &why));
    EXPECT_THAT(why, HasSubstr("5 characters"));
    EXPECT_FALSE(parse_mesh_code("4932644A3", &why));
    EXPECT_THAT(why, HasSubstr("character 8 is 'A'"));
    EXPECT_FALSE(parse_mesh_code("493284443", &why)); // 2nd-order digit 8
    EXPECT_THAT(why, HasSubstr("0-7"));
    EXPECT_FALSE(parse_mesh_code("493264445", &why)); // quadrant 5
    EXPECT_THAT(why, HasSubstr("1-4"));
    EXPECT_FALSE(parse_mesh_code("12345678", &why)); // latitude digits 12: not Japan
    EXPECT_THAT(why, HasSubstr("outside Japan"));
    EXPECT_FALSE(parse_mesh_code("", &why));
    EXPECT_EQ(mesh_level_name(9), "1/2 (500 m)");
}
