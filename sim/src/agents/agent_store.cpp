#include <tsunagi/agents/agent_store.hpp>
#include <tsunagi/io/checkpoint.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace tsunagi {

std::size_t AgentStore::find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i]->name == name) {
            return i;
        }
    }
    return kNotFound;
}

std::size_t AgentStore::append(std::span<AgentId const> ids) {
    std::size_t const first = ids_.size();
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    for (auto& c : columns_) {
        c->resize(ids_.size());
    }
    return first;
}

std::size_t AgentStore::append_range(AgentId first_id, std::size_t n) {
    std::size_t const first = ids_.size();
    ids_.resize(first + n);
    for (std::size_t i = 0; i < n; ++i) {
        ids_[first + i] = static_cast<AgentId>(first_id + i);
    }
    for (auto& c : columns_) {
        c->resize(ids_.size());
    }
    return first;
}

void AgentStore::stage_birth(AgentId id, BirthInit init) {
    std::lock_guard lock(stage_mutex_);
    births_.push_back(PendingBirth{id, std::move(init)});
}

void AgentStore::stage_death(std::size_t row) {
    std::lock_guard lock(stage_mutex_);
    deaths_.push_back(row);
}

std::size_t AgentStore::pending_births() const {
    std::lock_guard lock(stage_mutex_);
    return births_.size();
}

std::size_t AgentStore::pending_deaths() const {
    std::lock_guard lock(stage_mutex_);
    return deaths_.size();
}

void AgentStore::commit() {
    std::lock_guard lock(stage_mutex_);
    if (!deaths_.empty()) {
        std::sort(deaths_.begin(), deaths_.end(), std::greater<>());
        deaths_.erase(std::unique(deaths_.begin(), deaths_.end()), deaths_.end());
        if (deaths_.front() >= ids_.size()) {
            throw ModelError(fmt::format("agent kind '{}': death staged for row {} of {}", kind_,
                                         deaths_.front(), ids_.size()));
        }
        // Highest rows first: the row moved into a gap is always a survivor.
        for (std::size_t row : deaths_) {
            std::size_t const last = ids_.size() - 1;
            if (row != last) {
                ids_[row] = ids_[last];
                for (auto& c : columns_) {
                    c->move_row(last, row);
                }
            }
            ids_.pop_back();
            for (auto& c : columns_) {
                c->resize(ids_.size());
            }
        }
        deaths_.clear();
    }
    if (!births_.empty()) {
        std::sort(births_.begin(), births_.end(),
                  [](PendingBirth const& a, PendingBirth const& b) { return a.id < b.id; });
        for (std::size_t i = 1; i < births_.size(); ++i) {
            if (births_[i].id == births_[i - 1].id) {
                throw ModelError(fmt::format("agent kind '{}': two births staged with id {}",
                                             kind_, births_[i].id));
            }
        }
        std::size_t const first = ids_.size();
        ids_.resize(first + births_.size());
        for (auto& c : columns_) {
            c->resize(ids_.size());
        }
        for (std::size_t i = 0; i < births_.size(); ++i) {
            ids_[first + i] = births_[i].id;
            if (births_[i].init) {
                births_[i].init(*this, first + i);
            }
        }
        births_.clear();
    }
}

void AgentStore::pack(std::span<std::size_t const> rows, std::vector<std::byte>& out) const {
    std::size_t const per = bytes_per_agent();
    std::size_t pos = out.size();
    out.resize(pos + rows.size() * per);
    for (std::size_t row : rows) {
        std::memcpy(out.data() + pos, &ids_[row], sizeof(AgentId));
        pos += sizeof(AgentId);
        for (auto const& c : columns_) {
            c->pack(row, out.data() + pos);
            pos += c->bytes_per_row();
        }
    }
}

std::size_t AgentStore::unpack_append(std::span<std::byte const> in) {
    std::size_t const per = bytes_per_agent();
    if (in.size() % per != 0) {
        throw ModelError(fmt::format("agent kind '{}': a migration buffer of {} bytes is not a "
                                     "whole number of {}-byte agents",
                                     kind_, in.size(), per));
    }
    std::size_t const n = in.size() / per;
    std::size_t const first = ids_.size();
    ids_.resize(first + n);
    for (auto& c : columns_) {
        c->resize(ids_.size());
    }
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::memcpy(&ids_[first + i], in.data() + pos, sizeof(AgentId));
        pos += sizeof(AgentId);
        for (auto& c : columns_) {
            c->unpack(in.data() + pos, first + i);
            pos += c->bytes_per_row();
        }
    }
    return first;
}

std::vector<std::size_t> AgentStore::remove_stable(std::span<std::uint8_t const> remove) {
    std::size_t const n = ids_.size();
    if (remove.size() != n) {
        throw ModelError(fmt::format("agent kind '{}': {} removal flags for {} rows", kind_,
                                     remove.size(), n));
    }
    std::vector<std::size_t> to(n, kRemoved);
    std::size_t w = 0;
    for (std::size_t r = 0; r < n; ++r) {
        if (remove[r]) {
            continue;
        }
        if (w != r) {
            ids_[w] = ids_[r];
            for (auto& c : columns_) {
                c->move_row(r, w);
            }
        }
        to[r] = w++;
    }
    ids_.resize(w);
    for (auto& c : columns_) {
        c->resize(w);
    }
    return to;
}

void AgentStore::save(CheckpointWriter& w) const {
    w.put("ids", ids_);
    for (auto const& c : columns_) {
        w.put_bytes("field." + c->name, c->raw(), ids_.size() * c->bytes_per_row(),
                    c->bytes_per_row());
    }
}

void AgentStore::load(CheckpointReader const& r) {
    r.get("ids", ids_);
    for (auto& c : columns_) {
        auto const bytes = r.get_bytes("field." + c->name, c->bytes_per_row());
        if (bytes.size() != ids_.size() * c->bytes_per_row()) {
            throw DataError(fmt::format("checkpoint: field {}.{} has {} bytes for {} agents",
                                        kind_, c->name, bytes.size(), ids_.size()));
        }
        c->assign_raw(bytes.data(), ids_.size());
    }
    births_.clear();
    deaths_.clear();
}

std::size_t AgentStore::bytes_per_agent() const noexcept {
    std::size_t b = sizeof(AgentId);
    for (auto const& c : columns_) {
        b += c->bytes_per_row();
    }
    return b;
}

std::vector<std::string> AgentStore::field_names() const {
    std::vector<std::string> names;
    for (auto const& c : columns_) {
        names.push_back(c->name);
    }
    return names;
}

} // namespace tsunagi
