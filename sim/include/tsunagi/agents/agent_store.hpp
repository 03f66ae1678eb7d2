#pragma once
// Structure-of-arrays storage for one agent kind (residents, vehicles, trucks, ...).
// Fields are registered once by name and used through typed handles; hot loops take a std::span
// of a column and never look anything up by string. Births and deaths are staged (thread-safe) and
// applied by commit() after a phase, in an order that depends only on the agents' ids and rows,
// never on which thread staged them.

#include <tsunagi/core/error.hpp>
#include <tsunagi/core/types.hpp>

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

namespace tsunagi {

class CheckpointWriter;
class CheckpointReader;

template <class T>
class FieldHandle {
public:
    FieldHandle() = default;
    bool valid() const noexcept { return index_ != kInvalid; }
    std::uint32_t index() const noexcept { return index_; }

private:
    friend class AgentStore;
    static constexpr std::uint32_t kInvalid = ~0u;
    explicit FieldHandle(std::uint32_t i) : index_(i) {}
    std::uint32_t index_ = kInvalid;
};

namespace detail {
struct ColumnBase {
    ColumnBase(std::string n, std::type_index t) : name(std::move(n)), type(t) {}
    virtual ~ColumnBase() = default;
    virtual void resize(std::size_t n) = 0;
    virtual void move_row(std::size_t from, std::size_t to) = 0;
    virtual std::size_t bytes_per_row() const noexcept = 0;
    virtual void pack(std::size_t row, std::byte* out) const noexcept = 0;
    virtual std::byte const* raw() const noexcept = 0;
    virtual void assign_raw(std::byte const* in, std::size_t rows) = 0;
    virtual void unpack(std::byte const* in, std::size_t row) noexcept = 0;
    std::string name;
    std::type_index type;
};

template <class T>
struct Column final : ColumnBase {
    Column(std::string n, T def) : ColumnBase(std::move(n), typeid(T)), fill(def) {}
    void resize(std::size_t n) override { data.resize(n, fill); }
    void move_row(std::size_t from, std::size_t to) override { data[to] = data[from]; }
    std::size_t bytes_per_row() const noexcept override { return sizeof(T); }
    void pack(std::size_t row, std::byte* out) const noexcept override {
        std::memcpy(out, &data[row], sizeof(T));
    }
    void unpack(std::byte const* in, std::size_t row) noexcept override {
        std::memcpy(&data[row], in, sizeof(T));
    }
    std::byte const* raw() const noexcept override {
        return reinterpret_cast<std::byte const*>(data.data());
    }
    void assign_raw(std::byte const* in, std::size_t rows) override {
        data.resize(rows);
        if (rows > 0) {
            std::memcpy(data.data(), in, rows * sizeof(T));
        }
    }
    std::vector<T> data;
    T fill;
};
} // namespace detail

class AgentStore {
public:
    // Initialises a newborn's fields; called at commit, serially, in ascending id order.
    using BirthInit = std::function<void(AgentStore&, std::size_t row)>;

    explicit AgentStore(std::string kind) : kind_(std::move(kind)) {}
    AgentStore(AgentStore const&) = delete;
    AgentStore& operator=(AgentStore const&) = delete;

    std::string const& kind() const noexcept { return kind_; }
    std::size_t size() const noexcept { return ids_.size(); }

    // Registers a field (or returns the existing one if a field of that name and type exists).
    template <class T>
    FieldHandle<T> add_field(std::string const& name, T default_value = T{}) {
        if (auto i = find(name); i != kNotFound) {
            check_type<T>(i);
            return FieldHandle<T>(static_cast<std::uint32_t>(i));
        }
        auto col = std::make_unique<detail::Column<T>>(name, default_value);
        col->resize(size());
        columns_.push_back(std::move(col));
        return FieldHandle<T>(static_cast<std::uint32_t>(columns_.size() - 1));
    }

    // Looks up a field registered by another model; throws ModelError if absent or of another type.
    template <class T>
    FieldHandle<T> field(std::string_view name) const {
        auto i = find(name);
        if (i == kNotFound) {
            throw ModelError("agent kind '" + kind_ + "' has no field '" + std::string(name) +
                             "'; the model that owns it must register it in declare()");
        }
        check_type<T>(i);
        return FieldHandle<T>(static_cast<std::uint32_t>(i));
    }

    bool has_field(std::string_view name) const noexcept { return find(name) != kNotFound; }

    template <class T>
    std::span<T> column(FieldHandle<T> h) noexcept {
        return static_cast<detail::Column<T>&>(*columns_[h.index()]).data;
    }
    template <class T>
    std::span<T const> column(FieldHandle<T> h) const noexcept {
        return static_cast<detail::Column<T> const&>(*columns_[h.index()]).data;
    }

    std::span<AgentId const> ids() const noexcept { return ids_; }

    // Appends rows for agents with the given ids (initial population); fields get their defaults.
    // Returns the first new row. Not thread-safe: call from serial code.
    std::size_t append(std::span<AgentId const> ids);
    // Appends n rows with ids first_id, first_id+1, ...
    std::size_t append_range(AgentId first_id, std::size_t n);

    // Staged changes, safe to call from many threads during a phase.
    void stage_birth(AgentId id, BirthInit init);
    void stage_death(std::size_t row);
    std::size_t pending_births() const;
    std::size_t pending_deaths() const;

    // Applies staged deaths (rows removed, highest row first, by moving the last row into the
    // gap), then births (appended in ascending id order). Serial.
    void commit();

    // Migration between ranks: `pack` appends the rows (id and every field) to `out`;
    // `unpack_append` appends the agents of such a buffer and returns the first new row.
    void pack(std::span<std::size_t const> rows, std::vector<std::byte>& out) const;
    std::size_t unpack_append(std::span<std::byte const> in);

    // Removes the flagged rows keeping the order of the others; returns each old row's new row
    // (kRemoved for removed rows). Serial.
    static constexpr std::size_t kRemoved = ~std::size_t{0};
    std::vector<std::size_t> remove_stable(std::span<std::uint8_t const> remove);

    // Checkpoints: every column by name (fields must be registered before load).
    void save(CheckpointWriter& w) const;
    void load(CheckpointReader const& r);

    // Bytes per agent over all columns, the id column included.
    std::size_t bytes_per_agent() const noexcept;
    std::vector<std::string> field_names() const;

private:
    static constexpr std::size_t kNotFound = ~std::size_t{0};
    std::size_t find(std::string_view name) const noexcept;
    template <class T>
    void check_type(std::size_t i) const {
        if (columns_[i]->type != std::type_index(typeid(T))) {
            throw ModelError("agent field '" + kind_ + "." + columns_[i]->name +
                             "' was registered with another type");
        }
    }

    struct PendingBirth {
        AgentId id;
        BirthInit init;
    };

    std::string kind_;
    std::vector<AgentId> ids_;
    std::vector<std::unique_ptr<detail::ColumnBase>> columns_;
    mutable std::mutex stage_mutex_;
    std::vector<PendingBirth> births_;
    std::vector<std::size_t> deaths_;
};

} // namespace tsunagi
