// GoogleTest main for tests run under mpiexec: every rank runs every test; the verdict is reduced
// over all ranks (a test fails if it failed on any rank), only rank 0 prints, and a rank that
// throws aborts the job instead of leaving the others waiting in a collective.
#include <tsunagi/hpc/mpi_runtime.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace tsunagi::test {
std::shared_ptr<Communicator> g_world; // used by the tests
}

int main(int argc, char** argv) {
    setenv("TSUNAGI_FORCE_MPI", "1", 1);
    tsunagi::hpc::MpiRuntime mpi(argc, argv);
    tsunagi::test::g_world = mpi.world();
    ::testing::InitGoogleTest(&argc, argv);
    if (mpi.rank() != 0) {
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    int rc = 0;
    try {
        rc = RUN_ALL_TESTS();
    } catch (std::exception const& e) {
        mpi.abort(1, std::string("uncaught exception in a test: ") + e.what());
    }
    std::int64_t failed = rc != 0 ? 1 : 0;
    tsunagi::test::g_world->allreduce_sum(std::span<std::int64_t>(&failed, 1));
    tsunagi::test::g_world.reset();
    return failed != 0 ? 1 : 0;
}
