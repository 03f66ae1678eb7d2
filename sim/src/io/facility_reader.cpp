#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include "geometry_util.hpp"
#include "vector_layer.hpp"
#include <fmt/format.h>

#include <tsunagi/core/error.hpp>
#include <tsunagi/io/facility_reader.hpp>

namespace tsunagi {

using namespace detail;

namespace {

struct HazardName {
    std::uint16_t flag;
    char const* en;
    char const* ja; // GSI's column header
};
constexpr std::array<HazardName, 8> kHazards{{
    {kFlood, "flood", "洪水"},
    {kLandslide, "landslide", "崖崩れ、土石流及び地滑り"},
    {kStormSurge, "storm_surge", "高潮"},
    {kEarthquake, "earthquake", "地震"},
    {kTsunami, "tsunami", "津波"},
    {kLargeFire, "large_fire", "大規模な火事"},
    {kInlandFlood, "inland_flood", "内水氾濫"},
    {kVolcano, "volcano", "火山現象"},
}};

bool flag_set(std::string const& v) {
    std::string const t = trim(ascii_digits(v));
    return !t.empty() && t != "0" && t != "false" && t != "no" && t != "×";
}

// GSI's national common id: E + 5-digit municipality code + 8 digits.
bool well_formed_gsi_id(std::string const& id) {
    return id.size() == 14 && id[0] == 'E' &&
           std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Median of values (copy).
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::size_t const n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The address locality: what follows the municipality's own name, up to the first digit, 丁 or
// 番, cut after the first 町 or 村 (Japanese addresses run 都道府県 → 市区町村 → 大字/町 → 番地;
// municipalities merged in the 2000s keep their former towns' names, e.g. 宇和島市吉田町立間).
std::string locality(std::string const& address, std::string const& prefix) {
    if (prefix.empty() || !address.starts_with(prefix)) {
        return {};
    }
    std::string const rest = ascii_digits(address.substr(prefix.size()));
    std::string out;
    for (std::size_t i = 0; i < rest.size();) {
        auto const c = static_cast<unsigned char>(rest[i]);
        if ((c >= '0' && c <= '9') || c == '-') {
            break;
        }
        std::size_t const len = c < 0x80 ? 1 : (c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2));
        std::string const ch = rest.substr(i, len);
        if (ch == "丁" || ch == "番" || ch == "－" || ch == "ー" || ch == "‐") {
            break;
        }
        out += ch;
        i += len;
        if (ch == "町" || ch == "村") {
            break;
        }
    }
    return out;
}

} // namespace

std::uint16_t hazard_flag(std::string_view name) noexcept {
    for (auto const& h : kHazards) {
        if (name == h.en || name == h.ja) {
            return h.flag;
        }
    }
    return 0;
}

std::vector<std::string> hazard_names() {
    std::vector<std::string> out;
    for (auto const& h : kHazards) {
        out.emplace_back(h.en);
    }
    return out;
}

FacilityRecords read_facilities(FacilitiesInput const& in, ZoneBoundaries const* zones,
                                DataWarnings& warnings) {
    FacilityRecords out;
    VectorOpen o{in.path, "facilities", in.layer, in.crs, {}, {}, true};
    std::string ext = in.path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    bool const csv = ext == ".csv" || ext == ".txt";
    if (csv) {
        if (ext == ".txt") {
            o.path = "CSV:" + in.path.string();
        }
        o.open_options = {"AUTODETECT_TYPE=NO", "HEADERS=YES"};
    }
    VectorLayer v = open_vector_layer(o);
    out.file = v.file;
    out.crs_label = v.crs_label;
    auto pick = [&](std::string const& given, std::string const& key,
                    std::vector<std::string> const& auto_names) {
        return given.empty() ? v.find_field(auto_names) : v.require_field(given, key);
    };
    std::string const k = "world.data.facilities[]";
    int const common_i = in.id_field.empty() ? v.find_field({"common_id", "共通ID", "id", "ID"})
                                             : v.require_field(in.id_field, k + ".id_field");
    int const gsi_i = in.id_field.empty() ? v.field("gsi_common_id") : -1;
    int const name_i =
        pick(in.name_field, k + ".name_field", {"name", "施設・場所名", "名称", "NAME"});
    int const cap_i = pick(in.capacity_field, k + ".capacity_field",
                           {"capacity", "想定収容人数", "収容人数", "CAPACITY"});
    int const addr_i = pick(in.address_field, k + ".address_field", {"address", "住所", "所在地"});
    int const basis_i = v.field("capacity_basis");
    int const join_i = v.field("coordinate_join_method");
    int const lon_i =
        pick(in.lon_field, k + ".lon_field", {"longitude", "経度", "lon", "lng", "LON", "x", "X"});
    int const lat_i =
        pick(in.lat_field, k + ".lat_field", {"latitude", "緯度", "lat", "LAT", "y", "Y"});
    std::vector<std::pair<int, std::uint16_t>> flag_fields;
    for (auto const& h : kHazards) {
        int const i = v.find_field({h.en, h.ja});
        if (i >= 0) {
            flag_fields.emplace_back(i, h.flag);
        }
    }
    std::uint16_t required = 0;
    for (auto const& h : in.require_hazards) {
        required |= hazard_flag(h);
    }
    if (in.format == FacilityFormat::GsiSites && required != 0 && flag_fields.empty()) {
        throw DataError(fmt::format("{}: the site list has no hazard flag columns (tsunami/津波, "
                                    "earthquake/地震, ...), so require_hazards cannot be applied; "
                                    "its fields are: {}. Fix: use the GSI format or remove "
                                    "require_hazards",
                                    v.file, v.field_list()));
    }
    std::set<std::string> const wanted(in.municipalities.begin(), in.municipalities.end());
    auto municipality_of_address = [&](std::string const& address) -> std::string {
        if (zones == nullptr) {
            return {};
        }
        std::string best;
        std::size_t best_len = 0;
        for (auto const& [code, prefix] : zones->address_prefix) {
            if (!prefix.empty() && address.starts_with(prefix) && prefix.size() > best_len) {
                best = code;
                best_len = prefix.size();
            }
        }
        return best;
    };

    std::map<std::string, std::vector<std::size_t>> ids;
    std::vector<std::string> no_id, truncated, malformed, full_width, cap_text, no_cap, no_pos,
        unknown_muni;
    // Address check: (municipality, locality) -> positions.
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<double, double>>>
        localities;
    v.layer->ResetReading();
    std::size_t row = 0;
    for (FeaturePtr f(v.layer->GetNextFeature()); f; f.reset(v.layer->GetNextFeature())) {
        ++row;
        ++out.rows;
        FacilityRecord r;
        r.row = row;
        r.f.kind = in.kind;
        std::string const common = trim(field_text(*f, common_i));
        std::string const gsi = trim(field_text(*f, gsi_i));
        std::string id = gsi.empty() ? common : gsi;
        std::string const name = trim(field_text(*f, name_i));
        std::string const label = fmt::format("row {} ({})", row, name.empty() ? "no name" : name);
        if (in.format == FacilityFormat::GsiSites) {
            if (id.empty()) {
                no_id.push_back(label);
            } else if (!well_formed_gsi_id(id)) {
                malformed.push_back(fmt::format("{} '{}'", label, id));
            }
            if (!gsi.empty() && gsi != common && !common.empty() && gsi.ends_with(common)) {
                truncated.push_back(fmt::format("'{}' → {}", common, gsi));
            }
        } else if (id.empty()) {
            no_id.push_back(label);
        }
        if (!id.empty()) {
            ids[id].push_back(row);
        }
        r.f.external_id = id.empty() ? fmt::format("row:{}", row) : id;
        r.f.name = name;
        r.address = trim(field_text(*f, addr_i));
        // Municipality: from a GSI id, else from the address.
        if (in.format == FacilityFormat::GsiSites && well_formed_gsi_id(id)) {
            r.municipality = id.substr(1, 5);
        } else {
            r.municipality = municipality_of_address(r.address);
        }
        // Capacity.
        std::string const cap_text_raw = trim(field_text(*f, cap_i));
        if (!cap_text_raw.empty()) {
            bool fw = false;
            std::string const t = ascii_digits(cap_text_raw, &fw);
            char* end = nullptr;
            double const c = std::strtod(t.c_str(), &end);
            if (end == t.c_str() || !(c >= 0.0)) {
                cap_text.push_back(fmt::format("{} '{}'", label, cap_text_raw));
            } else {
                r.f.capacity = static_cast<std::int32_t>(std::min(c, 2.0e9));
                if (trim(std::string(end)).size() > 0) {
                    cap_text.push_back(fmt::format("{} '{}'", label, cap_text_raw.substr(0, 40)));
                }
            }
            if (fw) {
                full_width.push_back(fmt::format("{} capacity '{}'", label, cap_text_raw));
            }
        } else if (cap_i >= 0 && in.format == FacilityFormat::GsiSites) {
            no_cap.push_back(label);
        }
        if (basis_i >= 0) {
            bool fw = false;
            std::string const b = field_text(*f, basis_i);
            ascii_digits(b, &fw);
            if (fw) {
                full_width.push_back(fmt::format("{} capacity_basis '{}'", label, b));
            }
        }
        for (auto const& [i, flag] : flag_fields) {
            if (flag_set(field_text(*f, i))) {
                r.f.hazard_flags |= flag;
            }
        }
        // Position: the geometry, else the lon/lat columns.
        std::optional<std::pair<double, double>> pos;
        OGRGeometry const* g = f->GetGeometryRef();
        if (g != nullptr && !g->IsEmpty()) {
            if (wkbFlatten(g->getGeometryType()) != wkbPoint) {
                throw DataError(fmt::format("{}: {} is a {}, not a point. Fix: use a point layer",
                                            v.file, label, g->getGeometryName()));
            }
            double x = g->toPoint()->getX();
            double y = g->toPoint()->getY();
            v.point_to_lonlat_checked(x, y, label);
            pos = std::pair{x, y};
        } else if (lon_i >= 0 && lat_i >= 0) {
            auto const lon = parse_number(field_text(*f, lon_i));
            auto const lat = parse_number(field_text(*f, lat_i));
            if (lon && lat) {
                double x = *lon, y = *lat;
                v.point_to_lonlat_checked(x, y, label);
                pos = std::pair{x, y};
            }
        }
        if (pos && in.address_spread_km > 0.0 && zones != nullptr && !r.municipality.empty()) {
            auto const it = zones->address_prefix.find(r.municipality);
            if (it != zones->address_prefix.end()) {
                std::string const loc = locality(r.address, it->second);
                if (!loc.empty()) {
                    localities[{r.municipality, loc}].push_back(*pos);
                }
            }
        }
        // Selection.
        if (!wanted.empty()) {
            if (r.municipality.empty()) {
                ++out.unknown_municipality;
                unknown_muni.push_back(label);
                continue;
            }
            if (!wanted.contains(r.municipality)) {
                ++out.not_selected_municipality;
                continue;
            }
        }
        if ((r.f.hazard_flags & required) != required) {
            ++out.not_selected_hazard;
            continue;
        }
        if (!pos) {
            ++out.selected_without_position;
            std::string const how = trim(field_text(*f, join_i));
            no_pos.push_back(how.empty() ? fmt::format("{} {}", r.f.external_id, name)
                                         : fmt::format("{} {} ({})", r.f.external_id, name, how));
            continue;
        }
        r.f.x = pos->first;
        r.f.y = pos->second;
        out.capacity += r.f.capacity;
        out.sites.push_back(std::move(r));
    }
    if (out.rows == 0) {
        throw DataError(
            fmt::format("{}: the facility list has no rows. Fix: check the file", v.file));
    }
    if (lon_i < 0 && out.sites.empty() && out.selected_without_position > 0) {
        throw DataError(fmt::format("{}: the facility list has neither point geometries nor "
                                    "longitude/latitude columns (looked for longitude/経度/lon/x); "
                                    "its fields are: {}. Fix: set lon_field and lat_field",
                                    v.file, v.field_list()));
    }
    std::vector<std::string> dup;
    for (auto const& [id, rows] : ids) {
        if (rows.size() > 1) {
            dup.push_back(fmt::format("{} (rows {})", id, fmt::join(rows, ", ")));
        }
    }
    // Address localities whose sites are spread much wider than a locality is.
    std::vector<std::string> spread_ex;
    std::size_t spread_sites = 0;
    for (auto const& [key, pts] : localities) {
        if (pts.size() < 4) {
            continue;
        }
        std::vector<double> xs, ys;
        for (auto const& p : pts) {
            xs.push_back(p.first);
            ys.push_back(p.second);
        }
        double const mx = median(xs);
        double const my = median(ys);
        double const coslat = std::cos(my * std::numbers::pi / 180.0);
        std::vector<double> d;
        for (auto const& p : pts) {
            d.push_back(std::hypot((p.first - mx) * 111.32 * coslat, (p.second - my) * 110.57));
        }
        double const spread = median(d);
        if (spread > in.address_spread_km) {
            spread_sites += pts.size();
            spread_ex.push_back(fmt::format("{} {}: {} sites, median {:.1f} km from their median "
                                            "point",
                                            key.first, key.second, pts.size(), spread));
        }
    }
    std::string const whole = " (whole file)";
    warnings.add(v.file, "rows without an id: given 'row:<n>' ids" + whole, no_id.size(),
                 join_examples(no_id));
    warnings.add(v.file, "truncated common_id: the full gsi_common_id is used" + whole,
                 truncated.size(), join_examples(truncated, 3));
    warnings.add(v.file, "ids that are not GSI common ids (E + 13 digits)" + whole,
                 malformed.size(), join_examples(malformed));
    warnings.add(v.file,
                 "duplicated ids: both rows kept, results cannot be joined to them by id" + whole,
                 dup.size(), join_examples(dup));
    warnings.add(v.file, "full-width digits in numbers (read as ASCII)" + whole, full_width.size(),
                 join_examples(full_width, 3));
    warnings.add(v.file, "capacities with text (the leading number is used, or 0)" + whole,
                 cap_text.size(), join_examples(cap_text, 3));
    warnings.add(v.file, "rows without a capacity: capacity 0" + whole, no_cap.size(),
                 join_examples(no_cap, 3));
    warnings.add(v.file,
                 fmt::format("site positions inconsistent with their addresses: sites sharing an "
                             "address locality lie more than {:.0f} km apart (median distance "
                             "from their median point), so coordinates were probably attached to "
                             "the wrong sites; treat the positions, names and capacities of these "
                             "municipalities' sites as unreliable{}",
                             in.address_spread_km, whole),
                 spread_sites, join_examples(spread_ex));
    warnings.add(v.file, "selected rows without coordinates: not loaded", no_pos.size(),
                 join_examples(no_pos));
    warnings.add(v.file,
                 "rows whose municipality cannot be told (no usable id or address): left "
                 "out by the municipality filter",
                 unknown_muni.size(), join_examples(unknown_muni));
    return out;
}

void check_sites_in_zones(FacilityRecords const& recs, ZoneBoundaries const& zones,
                          DataWarnings& warnings) {
    std::vector<std::unique_ptr<OGRGeometry>> shapes;
    for (auto const& m : zones.municipalities) {
        shapes.push_back(from_wkb(m.wkb));
    }
    std::vector<std::string> other, none;
    for (auto const& s : recs.sites) {
        OGRPoint p(s.f.x, s.f.y);
        std::string in_code;
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            if (shapes[i]->Contains(&p)) {
                in_code = zones.municipalities[i].code;
                break;
            }
        }
        std::string const label = fmt::format("{} {}", s.f.external_id, s.f.name);
        if (in_code.empty()) {
            none.push_back(label);
        } else if (!s.municipality.empty() && in_code != s.municipality) {
            other.push_back(fmt::format("{} (in {})", label, in_code));
        }
    }
    warnings.add(recs.file,
                 "sites outside every municipality polygon (on the coast of simplified boundaries, "
                 "or misplaced)",
                 none.size(), join_examples(none));
    warnings.add(recs.file, "sites inside another municipality than their id/address says",
                 other.size(), join_examples(other));
}

} // namespace tsunagi
