#include <tsunagi/core/error.hpp>
#include <tsunagi/hpc/partition.hpp>
#include <tsunagi/world/node_locator.hpp>

#include <fmt/format.h>
#include <metis.h>

#include <algorithm>
#include <cstring>

namespace tsunagi::hpc {

std::vector<std::int32_t> partition_road_graph(World const& w, int parts) {
    auto const& g = w.roads;
    std::size_t const n = g.node_count();
    std::vector<std::int32_t> part(n, 0);
    if (parts <= 1 || n == 0) {
        return part;
    }
    if (static_cast<std::size_t>(parts) > n) {
        throw DataError(fmt::format("cannot split a road network of {} nodes over {} ranks; use "
                                    "fewer ranks",
                                    n, parts));
    }
    // Undirected adjacency without self loops or duplicates, as METIS wants.
    std::vector<idx_t> xadj(n + 1, 0);
    std::vector<idx_t> adj;
    std::vector<NodeId> nb;
    for (NodeId v = 0; v < n; ++v) {
        nb.clear();
        for (EdgeId e = g.out_begin(v); e < g.out_end(v); ++e) {
            nb.push_back(g.target()[e]);
        }
        for (EdgeId e : g.in_edges(v)) {
            nb.push_back(g.source()[e]);
        }
        std::sort(nb.begin(), nb.end());
        nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
        for (NodeId u : nb) {
            if (u != v) {
                adj.push_back(static_cast<idx_t>(u));
            }
        }
        xadj[v + 1] = static_cast<idx_t>(adj.size());
    }
    // Vertex weight: residents who start at the node (via their cell's nearest node), plus one.
    std::vector<idx_t> vwgt(n, 1);
    NodeLocator const locate(g, 200.0);
    for (CellId c = 0; c < w.population.data.size(); ++c) {
        if (w.population[c] > 0) {
            auto const hit = locate.nearest(w.grid.centre_x(w.grid.col_of(c)),
                                            w.grid.centre_y(w.grid.row_of(c)));
            if (hit.node != kNoNode) {
                vwgt[hit.node] += static_cast<idx_t>(std::min<std::uint32_t>(w.population[c], 1u << 24));
            }
        }
    }
    idx_t nv = static_cast<idx_t>(n);
    idx_t ncon = 1;
    idx_t np = parts;
    idx_t cut = 0;
    std::vector<idx_t> out(n, 0);
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = 7;      // deterministic
    options[METIS_OPTION_CONTIG] = 1;    // contiguous regions
    options[METIS_OPTION_NUMBERING] = 0;
    int rc = METIS_PartGraphKway(&nv, &ncon, xadj.data(), adj.data(), vwgt.data(), nullptr,
                                 nullptr, &np, nullptr, nullptr, options, &cut, out.data());
    if (rc != METIS_OK) { // contiguity can fail on awkward graphs: retry without it
        options[METIS_OPTION_CONTIG] = 0;
        rc = METIS_PartGraphKway(&nv, &ncon, xadj.data(), adj.data(), vwgt.data(), nullptr,
                                 nullptr, &np, nullptr, nullptr, options, &cut, out.data());
    }
    if (rc != METIS_OK) {
        throw ModelError(fmt::format("METIS could not partition the road network into {} parts "
                                     "(code {})",
                                     parts, rc));
    }
    for (std::size_t v = 0; v < n; ++v) {
        part[v] = static_cast<std::int32_t>(out[v]);
    }
    return part;
}

std::vector<std::int32_t> partition_and_broadcast(World const& world, Communicator& comm) {
    Bytes buf;
    if (comm.rank() == 0) {
        auto const part = partition_road_graph(world, comm.size());
        buf.resize(part.size() * sizeof(std::int32_t));
        std::memcpy(buf.data(), part.data(), buf.size());
    }
    comm.broadcast(buf, 0);
    std::vector<std::int32_t> part(buf.size() / sizeof(std::int32_t));
    std::memcpy(part.data(), buf.data(), buf.size());
    return part;
}

} // namespace tsunagi::hpc
