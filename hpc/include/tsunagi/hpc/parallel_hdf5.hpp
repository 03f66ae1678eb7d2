#pragma once
// Parallel HDF5 (the Open MPI build): a file-access property list that opens one file from every
// rank of a communicator through MPI-IO, for Simulation's collective output.

#include <tsunagi/hpc/mpi_communicator.hpp>

#include <cstdint>

namespace tsunagi::hpc {

// New HDF5 property lists (the caller closes them): file access through MPI-IO on `comm`, and
// collective data transfer.
std::int64_t mpio_file_access(MpiCommunicator const& comm);
std::int64_t collective_transfer();

} // namespace tsunagi::hpc
