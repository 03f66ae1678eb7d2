#include <tsunagi/core/error.hpp>
#include <tsunagi/io/hdf5.hpp>

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>

namespace tsunagi::h5 {

namespace {

// Silence HDF5's own stack printing once; we report errors ourselves.
struct QuietErrors {
    QuietErrors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
void quiet() { static QuietErrors q; }

herr_t walk_cb(unsigned n, H5E_error2_t const* err, void* data) {
    auto* out = static_cast<std::string*>(data);
    if (n == 0 && err->desc != nullptr) {
        *out = err->desc;
    }
    return 0;
}

hid_t check(hid_t id, std::string const& what) {
    if (id < 0) {
        throw IoError(fmt::format("HDF5: {} failed: {}", what, last_error()));
    }
    return id;
}

void check_status(herr_t s, std::string const& what) {
    if (s < 0) {
        throw IoError(fmt::format("HDF5: {} failed: {}", what, last_error()));
    }
}

hid_t utf8_string_type() {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

hid_t group_create_plist() {
    hid_t p = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    return p;
}

herr_t collect_names(hid_t, char const* name, H5L_info_t const*, void* data) {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

herr_t collect_attr_names(hid_t, char const* name, H5A_info_t const*, void* data) {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

} // namespace

std::string last_error() {
    std::string msg = "unknown error";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, &msg);
    return msg;
}

Handle& Handle::operator=(Handle&& o) noexcept {
    if (this != &o) {
        Handle tmp(std::move(*this));
        id_ = o.id_;
        o.id_ = -1;
    }
    return *this;
}

Handle::~Handle() {
    if (id_ >= 0) {
        switch (H5Iget_type(id_)) {
        case H5I_FILE:
            H5Fclose(id_);
            break;
        case H5I_GROUP:
            H5Gclose(id_);
            break;
        case H5I_DATASET:
            H5Dclose(id_);
            break;
        case H5I_DATASPACE:
            H5Sclose(id_);
            break;
        case H5I_DATATYPE:
            H5Tclose(id_);
            break;
        case H5I_ATTR:
            H5Aclose(id_);
            break;
        case H5I_GENPROP_LST:
            H5Pclose(id_);
            break;
        default:
            break;
        }
    }
}

// ---- Group ----------------------------------------------------------------------------------

Group Group::create_group(std::string const& name) {
    Handle gcpl(group_create_plist());
    hid_t g = check(H5Gcreate2(h_.id(), name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT),
                    "creating group " + path_ + "/" + name);
    return Group(Handle(g), path_ == "/" ? "/" + name : path_ + "/" + name, writes_data_, dxpl_);
}

Group Group::open_group(std::string const& name) const {
    hid_t g = H5Gopen2(h_.id(), name.c_str(), H5P_DEFAULT);
    if (g < 0) {
        throw DataError(fmt::format("HDF5 group {}/{} is missing", path_, name));
    }
    return Group(Handle(g), path_ == "/" ? "/" + name : path_ + "/" + name);
}

bool Group::has(std::string const& name) const {
    return H5Lexists(h_.id(), name.c_str(), H5P_DEFAULT) > 0;
}

bool Group::is_group(std::string const& name) const {
    H5O_info_t info;
    if (H5Oget_info_by_name2(h_.id(), name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
        return false;
    }
    return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> Group::children() const {
    std::vector<std::string> names;
    hsize_t idx = 0;
    // Creation order where tracked, else name order.
    if (H5Literate(h_.id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_names, &names) < 0) {
        names.clear();
        idx = 0;
        H5Literate(h_.id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_names, &names);
    }
    return names;
}

void Group::write_attr(std::string const& name, std::string const& v) {
    Handle type(utf8_string_type());
    Handle space(H5Screate(H5S_SCALAR));
    Handle a(check(H5Acreate2(h_.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT,
                              H5P_DEFAULT),
                   "creating attribute " + name));
    char const* p = v.c_str();
    check_status(H5Awrite(a.id(), type.id(), &p), "writing attribute " + name);
}

void Group::write_attr(std::string const& name, std::int64_t v) {
    Handle space(H5Screate(H5S_SCALAR));
    Handle a(check(H5Acreate2(h_.id(), name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT,
                              H5P_DEFAULT),
                   "creating attribute " + name));
    check_status(H5Awrite(a.id(), H5T_NATIVE_INT64, &v), "writing attribute " + name);
}

void Group::write_attr(std::string const& name, double v) {
    Handle space(H5Screate(H5S_SCALAR));
    Handle a(check(H5Acreate2(h_.id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT,
                              H5P_DEFAULT),
                   "creating attribute " + name));
    check_status(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &v), "writing attribute " + name);
}

void Group::write_attr(std::string const& name, std::span<double const> v) {
    hsize_t dim = v.size();
    Handle space(H5Screate_simple(1, &dim, nullptr));
    Handle a(check(H5Acreate2(h_.id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT,
                              H5P_DEFAULT),
                   "creating attribute " + name));
    check_status(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, v.data()), "writing attribute " + name);
}

std::optional<AttrValue> Group::read_attr(std::string const& name) const {
    if (H5Aexists(h_.id(), name.c_str()) <= 0) {
        return std::nullopt;
    }
    Handle a(check(H5Aopen(h_.id(), name.c_str(), H5P_DEFAULT), "opening attribute " + name));
    Handle type(H5Aget_type(a.id()));
    Handle space(H5Aget_space(a.id()));
    hssize_t const n = H5Sget_simple_extent_npoints(space.id());
    H5T_class_t const cls = H5Tget_class(type.id());
    // Only single strings and integers, and float scalars or arrays, are read; anything else
    // (an array of strings or integers from another writer) is skipped, not misread.
    if (n != 1 && cls != H5T_FLOAT) {
        return std::nullopt;
    }
    switch (cls) {
    case H5T_STRING: {
        if (H5Tis_variable_str(type.id()) > 0) {
            Handle mt(utf8_string_type());
            char* p = nullptr;
            check_status(H5Aread(a.id(), mt.id(), &p), "reading attribute " + name);
            std::string s = p != nullptr ? p : "";
            H5free_memory(p);
            return s;
        }
        std::size_t const len = H5Tget_size(type.id());
        std::string s(len + 1, '\0');
        Handle mt(H5Tcopy(H5T_C_S1));
        H5Tset_size(mt.id(), len);
        check_status(H5Aread(a.id(), mt.id(), s.data()), "reading attribute " + name);
        s.resize(std::strlen(s.c_str()));
        return s;
    }
    case H5T_INTEGER: {
        std::int64_t v = 0;
        check_status(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "reading attribute " + name);
        return v;
    }
    case H5T_FLOAT: {
        std::vector<double> v(static_cast<std::size_t>(n));
        check_status(H5Aread(a.id(), H5T_NATIVE_DOUBLE, v.data()), "reading attribute " + name);
        if (H5Sget_simple_extent_ndims(space.id()) == 0) {
            return v.at(0);
        }
        return v;
    }
    default:
        return std::nullopt;
    }
}

std::vector<std::string> Group::attr_names() const {
    std::vector<std::string> names;
    hsize_t idx = 0;
    H5Aiterate2(h_.id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_names, &names);
    if (names.empty()) {
        idx = 0;
        H5Aiterate2(h_.id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_names, &names);
    }
    return names;
}

void Group::write_raw(std::string const& name, void const* data, std::int64_t mem_type,
                      std::int64_t file_type, std::size_t count, std::vector<std::uint64_t> dims) {
    std::size_t expect = 1;
    for (auto d : dims) {
        expect *= d;
    }
    if (expect != count) {
        throw ModelError(fmt::format("HDF5 dataset {}/{}: {} values for dims of {} values", path_,
                                     name, count, expect));
    }
    std::vector<hsize_t> hd(dims.begin(), dims.end());
    Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(hd.size()), hd.data(), nullptr));
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    bool const parallel = dxpl_ >= 0;
    // Compression needs chunked collective I/O in parallel HDF5; keep parallel files plain.
    if (!parallel && !dims.empty() && count >= 4096 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        // Chunk along the last dimension(s) with about 64 Ki values per chunk.
        std::vector<hsize_t> chunk(hd);
        std::size_t total = count;
        for (std::size_t i = 0; i < chunk.size() && total > 65536; ++i) {
            std::size_t const shrink = std::min<std::size_t>(chunk[i], (total + 65535) / 65536);
            chunk[i] = std::max<hsize_t>(1, chunk[i] / shrink);
            total = 1;
            for (auto c : chunk) {
                total *= c;
            }
        }
        H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
        H5Pset_shuffle(dcpl.id());
        H5Pset_deflate(dcpl.id(), 4);
    }
    Handle ds(check(H5Dcreate2(h_.id(), name.c_str(), file_type, space.id(), H5P_DEFAULT,
                               dcpl.id(), H5P_DEFAULT),
                    "creating dataset " + path_ + "/" + name));
    if (count == 0) {
        return;
    }
    if (parallel) {
        // Every rank takes part in a collective write; only the writer selects anything.
        Handle file_space(H5Dget_space(ds.id()));
        Handle mem_space(H5Dget_space(ds.id()));
        if (!writes_data_) {
            H5Sselect_none(file_space.id());
            H5Sselect_none(mem_space.id());
        }
        check_status(H5Dwrite(ds.id(), mem_type, mem_space.id(), file_space.id(), dxpl_, data),
                     "writing dataset " + path_ + "/" + name);
    } else if (writes_data_) {
        check_status(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                     "writing dataset " + path_ + "/" + name);
    }
}

void Group::write(std::string const& name, std::span<double const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<float const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<std::int64_t const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_INT64, H5T_STD_I64LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<std::int32_t const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_INT32, H5T_STD_I32LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<std::uint32_t const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_UINT32, H5T_STD_U32LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<std::uint8_t const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_UINT8, H5T_STD_U8LE, v.size(), std::move(dims));
}
void Group::write(std::string const& name, std::span<std::int8_t const> v,
                  std::vector<std::uint64_t> dims) {
    write_raw(name, v.data(), H5T_NATIVE_INT8, H5T_STD_I8LE, v.size(), std::move(dims));
}

void Group::write_strings(std::string const& name, std::vector<std::string> const& v) {
    // Fixed-length UTF-8 strings (the longest one's size): variable-length data cannot be written
    // to a parallel file, and one layout for every file keeps serial and parallel files equal.
    std::size_t width = 1;
    for (auto const& s : v) {
        width = std::max(width, s.size() + 1);
    }
    std::vector<char> buf(v.size() * width, '\0');
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::memcpy(buf.data() + i * width, v[i].data(), v[i].size());
    }
    Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.id(), width);
    H5Tset_cset(type.id(), H5T_CSET_UTF8);
    H5Tset_strpad(type.id(), H5T_STR_NULLTERM);
    write_raw(name, buf.data(), type.id(), type.id(), v.size(), {v.size()});
}

void Group::write_dataset_attr(std::string const& dataset, std::string const& attr,
                               std::string const& v) {
    Handle ds(check(H5Dopen2(h_.id(), dataset.c_str(), H5P_DEFAULT), "opening " + dataset));
    Group g(std::move(ds), path_ + "/" + dataset, writes_data_);
    g.write_attr(attr, v);
}

std::optional<std::string> Group::read_dataset_attr(std::string const& dataset,
                                                    std::string const& attr) const {
    hid_t id = H5Dopen2(h_.id(), dataset.c_str(), H5P_DEFAULT);
    if (id < 0) {
        return std::nullopt;
    }
    Group g(Handle(id), path_ + "/" + dataset);
    auto v = g.read_attr(attr);
    if (v && std::holds_alternative<std::string>(*v)) {
        return std::get<std::string>(*v);
    }
    return std::nullopt;
}

Type Group::type_of(std::string const& dataset) const {
    Handle ds(check(H5Dopen2(h_.id(), dataset.c_str(), H5P_DEFAULT),
                    "opening dataset " + path_ + "/" + dataset));
    Handle t(H5Dget_type(ds.id()));
    std::size_t const size = H5Tget_size(t.id());
    switch (H5Tget_class(t.id())) {
    case H5T_INTEGER: {
        bool const sign = H5Tget_sign(t.id()) == H5T_SGN_2;
        if (size == 1) {
            return sign ? Type::Int8 : Type::UInt8;
        }
        if (size == 4) {
            return sign ? Type::Int32 : Type::UInt32;
        }
        return Type::Int64;
    }
    case H5T_FLOAT:
        return size == 4 ? Type::Float32 : Type::Float64;
    case H5T_STRING:
        return Type::String;
    default:
        return Type::Other;
    }
}

std::vector<std::uint64_t> Group::dims_of(std::string const& dataset) const {
    Handle ds(check(H5Dopen2(h_.id(), dataset.c_str(), H5P_DEFAULT),
                    "opening dataset " + path_ + "/" + dataset));
    Handle space(H5Dget_space(ds.id()));
    int const nd = H5Sget_simple_extent_ndims(space.id());
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(nd, 0)));
    H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
    return {d.begin(), d.end()};
}

namespace {
template <class T>
std::vector<T> read_numeric(hid_t group, std::string const& path, std::string const& dataset,
                            hid_t mem_type) {
    hid_t id = H5Dopen2(group, dataset.c_str(), H5P_DEFAULT);
    if (id < 0) {
        throw DataError(fmt::format("HDF5 dataset {}/{} is missing", path, dataset));
    }
    Handle ds(id);
    Handle space(H5Dget_space(ds.id()));
    hssize_t const n = H5Sget_simple_extent_npoints(space.id());
    std::vector<T> v(static_cast<std::size_t>(n));
    if (n > 0) {
        check_status(H5Dread(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
                     "reading " + path + "/" + dataset);
    }
    return v;
}
} // namespace

std::vector<double> Group::read_doubles(std::string const& dataset) const {
    return read_numeric<double>(h_.id(), path_, dataset, H5T_NATIVE_DOUBLE);
}

std::vector<std::int64_t> Group::read_int64s(std::string const& dataset) const {
    return read_numeric<std::int64_t>(h_.id(), path_, dataset, H5T_NATIVE_INT64);
}

std::vector<std::uint8_t> Group::read_uint8s(std::string const& dataset) const {
    return read_numeric<std::uint8_t>(h_.id(), path_, dataset, H5T_NATIVE_UINT8);
}

std::vector<std::string> Group::read_strings(std::string const& dataset) const {
    hid_t id = H5Dopen2(h_.id(), dataset.c_str(), H5P_DEFAULT);
    if (id < 0) {
        throw DataError(fmt::format("HDF5 dataset {}/{} is missing", path_, dataset));
    }
    Handle ds(id);
    Handle space(H5Dget_space(ds.id()));
    hssize_t const n = H5Sget_simple_extent_npoints(space.id());
    Handle ftype(H5Dget_type(ds.id()));
    std::vector<std::string> out;
    if (n <= 0) {
        return out;
    }
    if (H5Tis_variable_str(ftype.id()) > 0) {
        std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
        Handle type(utf8_string_type());
        check_status(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                     "reading " + path_ + "/" + dataset);
        for (char* p : ptrs) {
            out.emplace_back(p != nullptr ? p : "");
        }
        H5Dvlen_reclaim(type.id(), space.id(), H5P_DEFAULT, ptrs.data());
        return out;
    }
    std::size_t const width = H5Tget_size(ftype.id());
    std::vector<char> buf(static_cast<std::size_t>(n) * width + 1, '\0');
    Handle mtype(H5Tcopy(H5T_C_S1));
    H5Tset_size(mtype.id(), width);
    H5Tset_cset(mtype.id(), H5Tget_cset(ftype.id()));
    check_status(H5Dread(ds.id(), mtype.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
                 "reading " + path_ + "/" + dataset);
    for (hssize_t i = 0; i < n; ++i) {
        char const* p = buf.data() + static_cast<std::size_t>(i) * width;
        out.emplace_back(p, strnlen(p, width));
    }
    return out;
}

// ---- File -----------------------------------------------------------------------------------

File::File(Handle h, std::filesystem::path p, bool writes_data, std::int64_t dxpl)
    : file_(std::move(h))
    , root_(Handle(H5Gopen2(file_.id(), "/", H5P_DEFAULT)), "/", writes_data, dxpl)
    , path_(std::move(p)) {}

File File::create(std::filesystem::path const& path, std::int64_t fapl, bool writes_data,
                  std::int64_t dxpl) {
    quiet();
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl);
    if (f < 0) {
        throw OutputError(fmt::format("{}: cannot create the output file ({}). Fix: choose a "
                                      "writable location with -o (on a file system every rank "
                                      "can reach)",
                                      path.string(), last_error()));
    }
    return File(Handle(f), path, writes_data, dxpl);
}

File File::create(std::filesystem::path const& path) {
    quiet();
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), H5P_DEFAULT);
    if (f < 0) {
        throw OutputError(fmt::format("{}: cannot create the output file ({}). Fix: choose a "
                                      "writable location with -o",
                                      path.string(), last_error()));
    }
    return File(Handle(f), path);
}

File File::open(std::filesystem::path const& path) {
    quiet();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw DataError(fmt::format("{}: file not found. Fix: give the path of a Tsunagi output "
                                    "file (written by 'tsunagi run -o FILE')",
                                    path.string()));
    }
    if (H5Fis_hdf5(path.c_str()) <= 0) {
        throw DataError(fmt::format("{}: not an HDF5 file. Fix: give the path of a Tsunagi "
                                    "output file (.h5)",
                                    path.string()));
    }
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        throw DataError(fmt::format("{}: cannot be opened as HDF5 ({})", path.string(),
                                    last_error()));
    }
    return File(Handle(f), path);
}

void File::close() {
    root_ = Group(Handle(), "/");
    if (file_.valid()) {
        hid_t const id = file_.release();
        H5Fflush(id, H5F_SCOPE_GLOBAL);
        if (H5Fclose(id) < 0) {
            throw OutputError(fmt::format("{}: writing the output file failed when closing it "
                                          "({}). Fix: check free disk space",
                                          path_.string(), last_error()));
        }
    }
}

} // namespace tsunagi::h5
