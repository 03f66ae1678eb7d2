#pragma once
// A route tree in a checkpoint, as it is: a tree repaired incrementally can break ties between
// equal-cost routes unlike one built from scratch, so a resumed run must restore, not rebuild.

#include <tsunagi/io/checkpoint.hpp>
#include <tsunagi/routing/route_tree.hpp>

#include <string>

namespace tsunagi {

inline void save_route_tree(CheckpointWriter& w, std::string const& name, RouteTree const& t) {
    auto g = w.child(name);
    g.put("cost", t.cost);
    g.put("next_edge", t.next_edge);
    g.put("target", t.target);
    g.put("is_target", t.is_target);
}

inline void load_route_tree(CheckpointReader const& r, std::string const& name, RouteTree& t) {
    auto g = r.child(name);
    g.get("cost", t.cost);
    g.get("next_edge", t.next_edge);
    g.get("target", t.target);
    g.get("is_target", t.is_target);
}

} // namespace tsunagi
