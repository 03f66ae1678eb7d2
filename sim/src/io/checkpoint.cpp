#include <tsunagi/io/checkpoint.hpp>

#include <fmt/format.h>

#include <cstring>

namespace tsunagi {

void CheckpointWriter::put_bytes(std::string const& name, void const* data, std::size_t bytes,
                                 std::size_t elem) {
    g_.write(name, std::span<std::uint8_t const>(static_cast<std::uint8_t const*>(data), bytes),
             {bytes});
    g_.write_dataset_attr(name, "element_size", std::to_string(elem));
}

std::vector<std::byte> CheckpointReader::get_bytes(std::string const& name,
                                                   std::size_t elem) const {
    if (!g_.has(name)) {
        throw DataError(fmt::format("checkpoint: {}/{} is missing (a checkpoint of another "
                                    "version or scenario?). Fix: restart from a checkpoint "
                                    "written by this build",
                                    g_.path(), name));
    }
    auto const es = g_.read_dataset_attr(name, "element_size");
    if (!es || std::stoul(*es) != elem) {
        throw DataError(fmt::format("checkpoint: {}/{} holds elements of {} bytes, this build "
                                    "expects {}. Fix: restart with the build that wrote it",
                                    g_.path(), name, es.value_or("?"), elem));
    }
    auto const raw = g_.read_uint8s(name);
    std::vector<std::byte> out(raw.size());
    if (!raw.empty()) {
        std::memcpy(out.data(), raw.data(), raw.size());
    }
    return out;
}

} // namespace tsunagi
