#include <tsunagi/core/error.hpp>
#include <tsunagi/hpc/ensemble.hpp>
#include <tsunagi/hpc/parallel_hdf5.hpp>
#include <tsunagi/hpc/partition.hpp>

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <cstring>

namespace tsunagi::hpc {

namespace {

// A shared member counter on world rank 0.
class Counter {
public:
    explicit Counter(MpiCommunicator const& world) {
        MPI_Comm comm = *static_cast<MPI_Comm*>(world.native());
        MPI_Aint const size = world.rank() == 0 ? sizeof(std::int64_t) : 0;
        MPI_Win_allocate(size, sizeof(std::int64_t), MPI_INFO_NULL, comm, &base_, &win_);
        if (world.rank() == 0) {
            *static_cast<std::int64_t*>(base_) = 0;
        }
        MPI_Win_fence(0, win_);
        MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
    }
    ~Counter() {
        MPI_Win_unlock_all(win_);
        MPI_Win_free(&win_);
    }
    std::int64_t next() {
        std::int64_t const one = 1;
        std::int64_t got = 0;
        MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, win_);
        MPI_Win_flush(0, win_);
        return got;
    }

private:
    void* base_ = nullptr;
    MPI_Win win_ = MPI_WIN_NULL;
};

struct Record {
    std::int64_t index;
    std::int64_t ok;
    double wall_s;
    std::string error;
};

void append(Bytes& b, void const* p, std::size_t n) {
    auto const* c = static_cast<std::byte const*>(p);
    b.insert(b.end(), c, c + n);
}

} // namespace

std::vector<MemberResult> run_ensemble(BatchSpec const& spec,
                                       std::shared_ptr<MpiCommunicator> const& world,
                                       ModelRegistry const& registry, EnsembleOptions const& opt) {
    int const g = spec.ranks_per_member;
    if (world->size() % g != 0) {
        throw ScenarioError(fmt::format(
            "{}: [batch.ranks_per_member]: {} does not divide the {} ranks of this job. Fix: run "
            "on a multiple of {} ranks, or change ranks_per_member",
            spec.origin, g, world->size(), g));
    }
    auto const group = world->split(world->rank() / g, world->rank());
    bool const leader = group->rank() == 0;
    if (world->rank() == 0) {
        std::filesystem::create_directories(opt.scratch);
    }
    world->barrier();

    std::vector<Record> mine;
    auto const total = static_cast<std::int64_t>(spec.member_count());
    {
        Counter counter(*world);
        for (;;) {
            Bytes idx(sizeof(std::int64_t));
            if (leader) {
                std::int64_t const next = counter.next();
                std::memcpy(idx.data(), &next, sizeof next);
            }
            group->broadcast(idx, 0);
            std::int64_t member = 0;
            std::memcpy(&member, idx.data(), sizeof member);
            if (member >= total) {
                break;
            }
            RunOptions ro;
            ro.threads = opt.threads;
            ro.comm = group;
            if (g > 1) {
                ro.partitioner = partition_and_broadcast;
            }
            MemberResult r = run_batch_member(spec, static_cast<std::size_t>(member), ro, registry);
            if (leader) {
                if (r.ok) {
                    write_run_output(opt.scratch / fmt::format("{}.h5", member), r.output);
                }
                mine.push_back(Record{member, r.ok ? 1 : 0, r.wall_s, r.error});
                if (opt.on_done) {
                    opt.on_done(static_cast<std::size_t>(member), r);
                }
            }
        }
    } // the counter window is freed collectively here

    Bytes out;
    for (auto const& rec : mine) {
        std::uint64_t const len = rec.error.size();
        append(out, &rec.index, sizeof rec.index);
        append(out, &rec.ok, sizeof rec.ok);
        append(out, &rec.wall_s, sizeof rec.wall_s);
        append(out, &len, sizeof len);
        append(out, rec.error.data(), len);
    }
    auto const all = world->allgather(out);
    std::vector<MemberResult> results;
    if (world->rank() == 0) {
        for (auto const& buf : all) {
            std::size_t pos = 0;
            while (pos < buf.size()) {
                MemberResult r;
                std::int64_t index = 0, ok = 0;
                std::uint64_t len = 0;
                std::memcpy(&index, buf.data() + pos, sizeof index);
                pos += sizeof index;
                std::memcpy(&ok, buf.data() + pos, sizeof ok);
                pos += sizeof ok;
                std::memcpy(&r.wall_s, buf.data() + pos, sizeof r.wall_s);
                pos += sizeof r.wall_s;
                std::memcpy(&len, buf.data() + pos, sizeof len);
                pos += sizeof len;
                r.error.assign(reinterpret_cast<char const*>(buf.data() + pos), len);
                pos += len;
                r.index = static_cast<std::size_t>(index);
                r.ok = ok != 0;
                if (r.ok) {
                    auto const f = opt.scratch / fmt::format("{}.h5", index);
                    r.output = read_run_output(f);
                    std::filesystem::remove(f);
                }
                results.push_back(std::move(r));
            }
        }
        std::sort(results.begin(), results.end(),
                  [](MemberResult const& a, MemberResult const& b) { return a.index < b.index; });
        std::error_code ec;
        std::filesystem::remove(opt.scratch, ec);
    }
    return results;
}

} // namespace tsunagi::hpc
