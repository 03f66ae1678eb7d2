#pragma once
// Ensembles on MPI: `mpiexec -n N tsunagi batch SWEEP.yaml` splits the ranks into groups of
// batch.ranks_per_member; every group takes the next member from one shared counter (an MPI
// atomic fetch-and-add on rank 0), so fast and slow members balance themselves. Each group's
// first rank writes its members' results to a scratch file next to the output; rank 0 gathers
// them in member order. A member that fails is reported with its error; the batch goes on.

#include <tsunagi/core/batch.hpp>
#include <tsunagi/hpc/mpi_communicator.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace tsunagi::hpc {

struct EnsembleOptions {
    int threads = 0;                  // per rank
    std::filesystem::path scratch;    // directory for members' results (created and removed)
    std::function<void(std::size_t member, MemberResult const&)> on_done; // group leaders
};

// All members' results in member order on world rank 0; an empty vector elsewhere.
std::vector<MemberResult> run_ensemble(BatchSpec const& spec,
                                       std::shared_ptr<MpiCommunicator> const& world,
                                       ModelRegistry const& registry, EnsembleOptions const& opt);

} // namespace tsunagi::hpc
