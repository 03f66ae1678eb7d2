#include <tsunagi/core/error.hpp>
#include <tsunagi/hpc/parallel_hdf5.hpp>

#include <hdf5.h>
#include <mpi.h>

namespace tsunagi::hpc {

std::int64_t mpio_file_access(MpiCommunicator const& comm) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 ||
        H5Pset_fapl_mpio(fapl, *static_cast<MPI_Comm*>(comm.native()), MPI_INFO_NULL) < 0) {
        throw IoError("HDF5: cannot set up MPI-IO file access (is this the parallel HDF5 build?)");
    }
    // Metadata operations (creating groups, datasets and attributes) are collective anyway;
    // make the metadata writes collective too, so one rank does not flush alone.
    H5Pset_all_coll_metadata_ops(fapl, true);
    H5Pset_coll_metadata_write(fapl, true);
    return fapl;
}

std::int64_t collective_transfer() {
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl < 0 || H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
        throw IoError("HDF5: cannot set up collective MPI-IO transfers");
    }
    return dxpl;
}

} // namespace tsunagi::hpc
