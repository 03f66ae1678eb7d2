// Read-only views of the digital twin (C++ World, GridSpec, RoadGraph, EdgeState, Facilities,
// Zones). Layers and dynamic state are numpy views of the engine's memory, never copies: a view
// taken before Simulation.step() shows the state after it. Each view keeps its Simulation alive.

#include "views.hpp"

#include <tsunagi/world/world.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

namespace tsunagi::python {

namespace {

struct WorldView {
    py::object owner;
    World* w;
};
struct RoadsView {
    py::object owner;
    RoadGraph* g;
};
struct EdgeStateView {
    py::object owner;
    EdgeState* s;
};
struct FacilitiesView {
    py::object owner;
    Facilities* f;
};
struct ZonesView {
    py::object owner;
    Zones const* z;
};

template <class T>
py::object raster(py::handle owner, GridSpec const& g, Raster<T> const& r) {
    if (r.data.size() != g.cells() || r.data.empty()) {
        return py::none();
    }
    return view<T>(owner, r.data.data(), {g.ny(), g.nx()});
}

py::dict facility_table(Facilities const& fac) {
    std::size_t const n = fac.size();
    py::list kind, ext, name;
    py::array_t<double> x(static_cast<py::ssize_t>(n)), y(static_cast<py::ssize_t>(n));
    py::array_t<float> snap(static_cast<py::ssize_t>(n));
    py::array_t<std::uint32_t> node(static_cast<py::ssize_t>(n));
    py::array_t<std::int32_t> zone(static_cast<py::ssize_t>(n)), cap(static_cast<py::ssize_t>(n));
    py::array_t<std::uint16_t> flags(static_cast<py::ssize_t>(n));
    for (std::size_t i = 0; i < n; ++i) {
        Facility const& f = fac[static_cast<FacilityId>(i)];
        kind.append(std::string(to_string(f.kind)));
        ext.append(f.external_id);
        name.append(f.name);
        x.mutable_at(i) = f.x;
        y.mutable_at(i) = f.y;
        snap.mutable_at(i) = f.snap_distance_m;
        node.mutable_at(i) = f.node;
        zone.mutable_at(i) = f.zone == kNoZone ? -1 : static_cast<std::int32_t>(f.zone);
        cap.mutable_at(i) = f.capacity;
        flags.mutable_at(i) = f.hazard_flags;
    }
    py::dict d;
    d["kind"] = kind;
    d["external_id"] = ext;
    d["name"] = name;
    d["x"] = x;
    d["y"] = y;
    d["node"] = node;
    d["snap_distance_m"] = snap;
    d["zone"] = zone;
    d["capacity"] = cap;
    d["hazard_flags"] = flags;
    return d;
}

} // namespace

py::object make_world_view(py::object owner, World& world) {
    return py::cast(WorldView{std::move(owner), &world});
}

void bind_world(py::module_& m) {
    py::enum_<FacilityKind>(m, "FacilityKind", "Kinds of facility (C++ tsunagi::FacilityKind).")
        .value("Shelter", FacilityKind::Shelter)
        .value("EvacuationBuilding", FacilityKind::EvacuationBuilding)
        .value("Hub", FacilityKind::Hub)
        .value("Depot", FacilityKind::Depot)
        .value("Hospital", FacilityKind::Hospital)
        .value("Substation", FacilityKind::Substation)
        .value("WaterPlant", FacilityKind::WaterPlant)
        .value("BaseStation", FacilityKind::BaseStation);
    py::enum_<RoadClass>(m, "RoadClass",
                         "Road classes (C++ tsunagi::RoadClass); RoadGraph.road_class() holds "
                         "their integer values.")
        .value("Motorway", RoadClass::Motorway)
        .value("Trunk", RoadClass::Trunk)
        .value("Primary", RoadClass::Primary)
        .value("Secondary", RoadClass::Secondary)
        .value("Tertiary", RoadClass::Tertiary)
        .value("Residential", RoadClass::Residential)
        .value("Service", RoadClass::Service)
        .value("Footway", RoadClass::Footway)
        .value("Other", RoadClass::Other);
    py::enum_<ZoneLevel>(m, "ZoneLevel", "Zone levels 国 → 都道府県 → 市町村 (C++ tsunagi::ZoneLevel).")
        .value("Country", ZoneLevel::Country)
        .value("Prefecture", ZoneLevel::Prefecture)
        .value("Municipality", ZoneLevel::Municipality);

    py::class_<GridSpec>(m, "GridSpec",
                         "The north-up raster grid (C++ tsunagi::GridSpec): nx × ny square cells "
                         "in a projected metric CRS; row 0 is the northern edge.")
        .def("nx", &GridSpec::nx, "Columns.")
        .def("ny", &GridSpec::ny, "Rows.")
        .def("cells", &GridSpec::cells, "nx × ny.")
        .def("crs_wkt", &GridSpec::crs_wkt, "The projected CRS as WKT.")
        .def(
            "transform",
            [](GridSpec const& g) {
                auto const t = g.transform().to_gdal();
                return py::make_tuple(t[0], t[1], t[2], t[3], t[4], t[5]);
            },
            "The geotransform in GDAL order (x0, dx, 0, y0, 0, dy), dy < 0.")
        .def("cell_area_m2", &GridSpec::cell_area_m2, "Area of one cell (m²).")
        .def("width_m", &GridSpec::width_m, "Extent west–east (m).")
        .def("height_m", &GridSpec::height_m, "Extent north–south (m).")
        .def("centre_x", &GridSpec::centre_x, py::arg("col"), "x of a column's cell centres.")
        .def("centre_y", &GridSpec::centre_y, py::arg("row"), "y of a row's cell centres.")
        .def(
            "cell_at",
            [](GridSpec const& g, double x, double y) -> py::object {
                CellId const c = g.cell_at(x, y);
                return c == kNoCell ? py::none() : py::cast(c);
            },
            py::arg("x"), py::arg("y"), "The cell index (row * nx + col) containing (x, y), or None.")
        .def("__repr__", [](GridSpec const& g) {
            return fmt::format("<tsunagi.GridSpec {} × {} cells of {} m>", g.nx(), g.ny(),
                               g.transform().dx);
        });

    py::class_<Zone>(m, "Zone", "One administrative zone (C++ tsunagi::Zone).")
        .def_readonly("code", &Zone::code, "'JP', 2-digit prefecture or 5-digit municipality code.")
        .def_readonly("name", &Zone::name, "Name (e.g. 宇和島市), as in the source data.")
        .def_readonly("level", &Zone::level, "ZoneLevel: country, prefecture or municipality.")
        .def_readonly("parent", &Zone::parent, "Index of the parent zone, -1 for the root.")
        .def("__repr__", [](Zone const& z) {
            return fmt::format("<tsunagi.Zone {} {}>", z.code, z.name);
        });

    py::class_<Facility>(m, "Facility", "One facility (C++ tsunagi::Facility), a copy.")
        .def_readonly("kind", &Facility::kind, "FacilityKind (shelter, hub, depot, hospital, ...).")
        .def_readonly("external_id", &Facility::external_id, "Id in the source data (e.g. GSI).")
        .def_readonly("name", &Facility::name, "Name in the source data (may be empty).")
        .def_readonly("x", &Facility::x, "x in the world's projected CRS (m).")
        .def_readonly("y", &Facility::y, "y in the world's projected CRS (m).")
        .def_readonly("node", &Facility::node, "Nearest road node.")
        .def_readonly("snap_distance_m", &Facility::snap_distance_m,
                      "Distance from the facility to its road node (m).")
        .def_readonly("zone", &Facility::zone, "Index of its zone (municipality), -1 if outside.")
        .def_readonly("capacity", &Facility::capacity, "Persons (shelters) or units (hubs).")
        .def_readonly("hazard_flags", &Facility::hazard_flags,
                      "GSI hazard bits it is designated for: 1 flood, 2 landslide, 4 storm surge, "
                      "8 earthquake, 16 tsunami, 32 large fire, 64 inland flood, 128 volcano.")
        .def("__repr__", [](Facility const& f) {
            return fmt::format("<tsunagi.Facility {} {} '{}' capacity {}>", to_string(f.kind),
                               f.external_id, f.name, f.capacity);
        });

    py::class_<ZonesView>(m, "Zones", "The zone hierarchy (C++ tsunagi::Zones); parents first.")
        .def("size", [](ZonesView const& v) { return v.z->size(); }, "Number of zones, all levels.")
        .def("__len__", [](ZonesView const& v) { return v.z->size(); })
        .def(
            "__getitem__",
            [](ZonesView const& v, std::size_t i) {
                if (i >= v.z->size()) {
                    throw py::index_error("zone index out of range");
                }
                return (*v.z)[i];
            },
            py::arg("index"))
        .def(
            "all",
            [](ZonesView const& v) {
                return std::vector<Zone>(v.z->all().begin(), v.z->all().end());
            },
            "Every zone, parents before children.")
        .def(
            "find", [](ZonesView const& v, std::string const& code) { return v.z->find(code); },
            py::arg("code"), "The index of the zone with this code, or None.")
        .def(
            "at_level", [](ZonesView const& v, ZoneLevel l) { return v.z->at_level(l); },
            py::arg("level"), "Indices of the zones of one level.");

    py::class_<EdgeStateView>(m, "EdgeState",
                              "Dynamic road state, one entry per directed edge (C++ "
                              "tsunagi::EdgeState); read-only numpy views of the engine's memory.")
        .def_property_readonly(
            "open", [](EdgeStateView const& v) { return view(v.owner, v.s->open); },
            "uint8, 1 = passable.")
        .def_property_readonly(
            "capacity_factor",
            [](EdgeStateView const& v) { return view(v.owner, v.s->capacity_factor); },
            "float32, 0..1 of the static capacity.")
        .def_property_readonly(
            "occupancy", [](EdgeStateView const& v) { return view(v.owner, v.s->occupancy); },
            "int32, agents on the edge now.")
        .def_property_readonly(
            "version", [](EdgeStateView const& v) { return v.s->version; },
            "Bumped whenever open or capacity_factor change.");

    py::class_<RoadsView>(m, "RoadGraph",
                          "The road network in CSR form (C++ tsunagi::RoadGraph): static "
                          "attributes per directed edge as read-only numpy views, and state().")
        .def("node_count", [](RoadsView const& v) { return v.g->node_count(); }, "Nodes.")
        .def("edge_count", [](RoadsView const& v) { return v.g->edge_count(); },
             "Directed edges (a two-way street is two).")
        .def("node_x", [](RoadsView const& v) { return view(v.owner, v.g->node_x()); },
             "float64 x of every node (projected CRS, m).")
        .def("node_y", [](RoadsView const& v) { return view(v.owner, v.g->node_y()); },
             "float64 y of every node (projected CRS, m).")
        .def("out_offsets", [](RoadsView const& v) { return view(v.owner, v.g->out_offsets()); },
             "CSR offsets: the edges leaving node n are [out_offsets[n], out_offsets[n+1]).")
        .def("source", [](RoadsView const& v) { return view(v.owner, v.g->source()); },
             "uint32 start node of every edge.")
        .def("target", [](RoadsView const& v) { return view(v.owner, v.g->target()); },
             "uint32 end node of every edge.")
        .def("length_m", [](RoadsView const& v) { return view(v.owner, v.g->length_m()); },
             "float32 length of every edge (m).")
        .def("width_m", [](RoadsView const& v) { return view(v.owner, v.g->width_m()); },
             "float32 width of the road every edge belongs to (m; both directions share it).")
        .def("free_speed_mps",
             [](RoadsView const& v) { return view(v.owner, v.g->free_speed_mps()); },
             "float32 free-flow car speed of every edge (m/s).")
        .def("capacity_vph", [](RoadsView const& v) { return view(v.owner, v.g->capacity_vph()); },
             "float32 car capacity of every edge (vehicles per hour, its lanes together).")
        .def("lanes", [](RoadsView const& v) { return view(v.owner, v.g->lanes()); },
             "uint8 lanes of every edge in its direction.")
        .def(
            "road_class",
            [](RoadsView const& v) {
                auto const c = v.g->road_class();
                static_assert(sizeof(RoadClass) == 1);
                return view<std::uint8_t>(v.owner, reinterpret_cast<std::uint8_t const*>(c.data()),
                                          {static_cast<py::ssize_t>(c.size())});
            },
            "uint8 RoadClass values (0 motorway ... 5 residential ... 8 other).")
        .def("state", [](RoadsView const& v) { return EdgeStateView{v.owner, &v.g->state()}; },
             "The dynamic state (open, capacity_factor, occupancy).")
        .def(
            "find_edge",
            [](RoadsView const& v, NodeId u, NodeId w) -> py::object {
                EdgeId const e = v.g->find_edge(u, w);
                return e == kNoEdge ? py::none() : py::cast(e);
            },
            py::arg("u"), py::arg("v"), "The edge u → v, or None.");

    py::class_<FacilitiesView>(m, "Facilities",
                               "Facilities of the digital twin (C++ tsunagi::Facilities).")
        .def("size", [](FacilitiesView const& v) { return v.f->size(); }, "Number of facilities.")
        .def("__len__", [](FacilitiesView const& v) { return v.f->size(); })
        .def(
            "__getitem__",
            [](FacilitiesView const& v, std::size_t i) {
                if (i >= v.f->size()) {
                    throw py::index_error("facility index out of range");
                }
                return (*v.f)[static_cast<FacilityId>(i)];
            },
            py::arg("index"))
        .def(
            "all",
            [](FacilitiesView const& v) {
                return std::vector<Facility>(v.f->all().begin(), v.f->all().end());
            },
            "Copies of every facility.")
        .def(
            "of_kind", [](FacilitiesView const& v, FacilityKind k) { return v.f->of_kind(k); },
            py::arg("kind"), "Indices of the facilities of one kind.")
        .def("occupancy", [](FacilitiesView const& v) { return view(v.owner, v.f->occupancy()); },
             "int32 persons at each facility now (a view).")
        .def("open", [](FacilitiesView const& v) { return view(v.owner, v.f->open()); },
             "uint8, 1 = open (a view).")
        .def(
            "table", [](FacilitiesView const& v) { return facility_table(*v.f); },
            "Static attributes as a dict of numpy arrays / lists (copies), ready for "
            "pandas.DataFrame.");

    py::class_<WorldView>(m, "World",
                          "The digital twin (C++ tsunagi::World). Raster layers are read-only "
                          "2-D numpy views [ny, nx] (row 0 = north) of the engine's memory.")
        .def_property_readonly("name", [](WorldView const& v) { return v.w->name; },
                               "The region's name (scenario world.name).")
        .def_property_readonly("source", [](WorldView const& v) { return v.w->source; },
                               "'synthetic' or the data the world was built from.")
        .def_property_readonly("grid", [](WorldView const& v) { return v.w->grid; },
                               "The raster grid (GridSpec: size, geotransform, CRS).")
        .def_property_readonly(
            "elevation_m",
            [](WorldView const& v) { return raster(v.owner, v.w->grid, v.w->elevation_m); },
            "float32 metres above sea level (< 0 is sea).")
        .def_property_readonly(
            "population",
            [](WorldView const& v) { return raster(v.owner, v.w->grid, v.w->population); },
            "uint32 residents per cell at the event.")
        .def_property_readonly(
            "zone", [](WorldView const& v) { return raster(v.owner, v.w->grid, v.w->zone); },
            "int32 index into zones, -1 outside.")
        .def_property_readonly(
            "tsunami_arrival_s",
            [](WorldView const& v) { return raster(v.owner, v.w->grid, v.w->tsunami_arrival_s); },
            "float32 time water first reaches the cell (+inf: never).")
        .def_property_readonly("tsunami_max_depth_m",
                               [](WorldView const& v) {
                                   return raster(v.owner, v.w->grid, v.w->tsunami_max_depth_m);
                               },
                               "float32 maximum inundation depth over the event (m).")
        .def_property_readonly(
            "tsunami_depth_m",
            [](WorldView const& v) { return raster(v.owner, v.w->grid, v.w->tsunami_depth_m); },
            "float32 depth now (dynamic: updated by the hazard model as the run advances).")
        .def_property_readonly(
            "layers",
            [](WorldView const& v) {
                py::dict d;
                for (auto const& [name, layer] : v.w->layers) {
                    d[py::str(name)] = raster(v.owner, v.w->grid, layer);
                }
                return d;
            },
            "Further named float32 layers (building stock, ...), as a dict of views.")
        .def_property_readonly(
            "roads", [](WorldView const& v) { return RoadsView{v.owner, &v.w->roads}; },
            "The road network (RoadGraph).")
        .def_property_readonly("node_cell",
                               [](WorldView const& v) { return view(v.owner, v.w->node_cell); },
                               "uint32 cell of every road node.")
        .def_property_readonly(
            "facilities", [](WorldView const& v) { return FacilitiesView{v.owner, &v.w->facilities}; },
            "Shelters, hubs, depots and the other facilities (Facilities).")
        .def_property_readonly("zones",
                               [](WorldView const& v) { return ZonesView{v.owner, &v.w->zones}; },
                               "The zone hierarchy country → prefecture → municipality (Zones).")
        .def_property_readonly(
            "inundated_cells",
            [](WorldView const& v) { return view(v.owner, v.w->inundated_cells); },
            "uint32 cells with any inundation, ascending.")
        .def("total_population", [](WorldView const& v) { return v.w->total_population(); },
             "Residents over all cells (the population raster's sum).")
        .def("memory_bytes", [](WorldView const& v) { return v.w->memory_bytes(); },
             "Bytes held by the world's rasters, named layers and road graph.")
        .def("__repr__", [](WorldView const& v) {
            return fmt::format("<tsunagi.World '{}' ({}): {} × {} cells, {} road nodes, {} "
                               "facilities>",
                               v.w->name, v.w->source, v.w->grid.nx(), v.w->grid.ny(),
                               v.w->roads.node_count(), v.w->facilities.size());
        });
}

} // namespace tsunagi::python
