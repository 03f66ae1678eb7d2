#pragma once
// Checkpoints: the complete dynamic state of a run in an HDF5 file, so a run killed midway and
// resumed from its last checkpoint ends with exactly the results of an uninterrupted run.
// Arrays are stored as raw bytes with their element size (checkpoints are for resuming on the same
// build and architecture, not for exchange; results files are the portable format).

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/hdf5.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace tsunagi {

class CheckpointWriter {
public:
    explicit CheckpointWriter(h5::Group g) : g_(std::move(g)) {}
    template <class T>
    void put(std::string const& name, std::vector<T> const& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        put_bytes(name, v.data(), v.size() * sizeof(T), sizeof(T));
    }
    template <class T>
    void put_value(std::string const& name, T const& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        put_bytes(name, &v, sizeof(T), sizeof(T));
    }
    CheckpointWriter child(std::string const& name) { return CheckpointWriter(g_.create_group(name)); }
    h5::Group& group() noexcept { return g_; }
    void put_bytes(std::string const& name, void const* data, std::size_t bytes, std::size_t elem);

private:
    h5::Group g_;
};

class CheckpointReader {
public:
    explicit CheckpointReader(h5::Group g) : g_(std::move(g)) {}
    template <class T>
    void get(std::string const& name, std::vector<T>& v) const {
        static_assert(std::is_trivially_copyable_v<T>);
        auto const bytes = get_bytes(name, sizeof(T));
        v.resize(bytes.size() / sizeof(T));
        if (!bytes.empty()) {
            std::memcpy(v.data(), bytes.data(), bytes.size());
        }
    }
    template <class T>
    void get_value(std::string const& name, T& v) const {
        static_assert(std::is_trivially_copyable_v<T>);
        auto const bytes = get_bytes(name, sizeof(T));
        if (bytes.size() != sizeof(T)) {
            throw DataError("checkpoint: " + g_.path() + "/" + name + " has the wrong size");
        }
        std::memcpy(&v, bytes.data(), sizeof(T));
    }
    CheckpointReader child(std::string const& name) const {
        return CheckpointReader(g_.open_group(name));
    }
    bool has(std::string const& name) const { return g_.has(name); }
    h5::Group const& group() const noexcept { return g_; }
    std::vector<std::byte> get_bytes(std::string const& name, std::size_t elem) const;

private:
    h5::Group g_;
};

} // namespace tsunagi
