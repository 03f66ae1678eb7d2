#pragma once
// A small RAII layer over the HDF5 C API, enough for Tsunagi's output files. Handles are kept as
// plain integers here so that <hdf5.h> (which, in the parallel build, includes <mpi.h>) stays out
// of public headers. Groups track creation order, so KPIs list in the order models wrote them.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tsunagi::h5 {

class Handle {
public:
    Handle() = default;
    explicit Handle(std::int64_t id) : id_(id) {}
    Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
    Handle& operator=(Handle&& o) noexcept;
    Handle(Handle const&) = delete;
    Handle& operator=(Handle const&) = delete;
    ~Handle();
    std::int64_t id() const noexcept { return id_; }
    bool valid() const noexcept { return id_ >= 0; }
    // Gives up ownership without closing.
    std::int64_t release() noexcept {
        std::int64_t const id = id_;
        id_ = -1;
        return id;
    }

private:
    std::int64_t id_ = -1;
};

enum class Type { Int8, UInt8, Int32, UInt32, Int64, Float32, Float64, String, Other };

using AttrValue = std::variant<std::int64_t, double, std::string, std::vector<double>>;

class Group {
public:
    explicit Group(Handle h, std::string path, bool writes_data = true, std::int64_t dxpl = -1)
        : h_(std::move(h)), path_(std::move(path)), writes_data_(writes_data), dxpl_(dxpl) {}
    std::string const& path() const noexcept { return path_; }

    Group create_group(std::string const& name);
    Group open_group(std::string const& name) const;
    bool has(std::string const& name) const;
    // Children (groups and datasets) in creation order.
    std::vector<std::string> children() const;
    bool is_group(std::string const& name) const;

    void write_attr(std::string const& name, std::string const& v);
    void write_attr(std::string const& name, char const* v) { write_attr(name, std::string(v)); }
    void write_attr(std::string const& name, std::int64_t v);
    void write_attr(std::string const& name, double v);
    void write_attr(std::string const& name, std::span<double const> v);
    std::optional<AttrValue> read_attr(std::string const& name) const;
    std::vector<std::string> attr_names() const;

    // N-dimensional arrays (dims.empty() = scalar). Large arrays are chunked and compressed.
    void write(std::string const& name, std::span<double const> v, std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<float const> v, std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<std::int64_t const> v,
               std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<std::int32_t const> v,
               std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<std::uint32_t const> v,
               std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<std::uint8_t const> v,
               std::vector<std::uint64_t> dims);
    void write(std::string const& name, std::span<std::int8_t const> v,
               std::vector<std::uint64_t> dims);
    void write_strings(std::string const& name, std::vector<std::string> const& v); // UTF-8, 1-D
    void write_scalar(std::string const& name, double v) { write(name, std::span(&v, 1), {}); }
    void write_scalar(std::string const& name, std::int64_t v) { write(name, std::span(&v, 1), {}); }

    // Dataset attribute helpers.
    void write_dataset_attr(std::string const& dataset, std::string const& attr,
                            std::string const& v);
    std::optional<std::string> read_dataset_attr(std::string const& dataset,
                                                 std::string const& attr) const;

    Type type_of(std::string const& dataset) const;
    std::vector<std::uint64_t> dims_of(std::string const& dataset) const;
    std::vector<double> read_doubles(std::string const& dataset) const;
    std::vector<std::int64_t> read_int64s(std::string const& dataset) const;
    std::vector<std::uint8_t> read_uint8s(std::string const& dataset) const;
    std::vector<std::string> read_strings(std::string const& dataset) const;

private:
    void write_raw(std::string const& name, void const* data, std::int64_t mem_type,
                   std::int64_t file_type, std::size_t count, std::vector<std::uint64_t> dims);
    Handle h_;
    std::string path_;
    // In a file opened by several MPI ranks, every rank creates groups, datasets and attributes
    // (collective metadata) but only one writes dataset contents.
    bool writes_data_ = true;
    std::int64_t dxpl_ = -1; // >= 0: a parallel file; every rank writes collectively with this
};

class File {
public:
    // Creates (truncates) a file. Throws OutputError if it cannot be created.
    static File create(std::filesystem::path const& path);
    // Creates a file with a given file-access property list (e.g. MPI-IO from hpc/); all ranks
    // sharing it call the same sequence of operations; only `writes_data` ranks write contents.
    static File create(std::filesystem::path const& path, std::int64_t fapl, bool writes_data,
                       std::int64_t dxpl);
    // Opens read-only. Throws DataError if missing or not HDF5.
    static File open(std::filesystem::path const& path);

    Group& root() noexcept { return root_; }
    Group const& root() const noexcept { return root_; }
    std::filesystem::path const& path() const noexcept { return path_; }
    void close(); // flushes and closes; throws OutputError on failure

private:
    File(Handle h, std::filesystem::path p, bool writes_data = true, std::int64_t dxpl = -1);
    Handle file_;
    Group root_;
    std::filesystem::path path_;
};

// The message of the innermost HDF5 error on the current error stack (for error reports).
std::string last_error();

} // namespace tsunagi::h5
