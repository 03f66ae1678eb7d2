# All dependencies come from Debian 12 packages (scripts/install-deps installs them).
find_package(Threads REQUIRED)
find_package(TBB 2021 REQUIRED CONFIG)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(yaml-cpp 0.7 REQUIRED CONFIG)
find_package(CLI11 2.1 REQUIRED CONFIG)
find_package(fmt 9 REQUIRED CONFIG)
find_package(spdlog 1.10 REQUIRED CONFIG)
find_package(GDAL 3.6 REQUIRED CONFIG)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(Random123 REQUIRED)

# HDF5: the Open MPI build. libgdal-dev also installs the serial build, so ask FindHDF5 for the
# parallel one and refuse to continue without it. Debian versions the two libraries' symbols
# (HDF5_MPI_* vs HDF5_SERIAL_*), so GDAL's serial HDF5 and ours coexist in one process.
# The parallel HDF5 headers include <mpi.h>, so every target using HDF5 sees MPI's include
# directories; only hpc/ calls MPI.
find_package(MPI REQUIRED COMPONENTS C)
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "Tsunagi needs the parallel (Open MPI) build of HDF5, but CMake found a serial one "
    "(${HDF5_C_LIBRARIES}). Install it with: apt-get install libhdf5-openmpi-dev")
endif()
if(NOT TARGET tsunagi_hdf5)
  add_library(tsunagi_hdf5 INTERFACE)
  target_include_directories(tsunagi_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_link_libraries(tsunagi_hdf5 INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
  # <mpi.h> in C++ would drag in Open MPI's deprecated C++ bindings.
  target_compile_definitions(tsunagi_hdf5 INTERFACE ${HDF5_C_DEFINITIONS} OMPI_SKIP_MPICXX=1
                             MPICH_SKIP_MPICXX=1)
endif()
message(STATUS "Tsunagi: HDF5 ${HDF5_VERSION} (parallel) from ${HDF5_C_LIBRARIES}")
