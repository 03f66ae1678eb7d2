#include <tsunagi/core/error.hpp>
#include <tsunagi/io/checksum.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>

namespace tsunagi {

namespace {
struct Digest {
    Digest() : ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
            throw IoError("OpenSSL: cannot initialise SHA-256");
        }
    }
    void update(void const* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx.get(), md.data(), &len);
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += fmt::format("{:02x}", md[i]);
        }
        return out;
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx;
};
} // namespace

std::string sha256_file(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw DataError(fmt::format("{}: cannot be read to compute its checksum", path.string()));
    }
    Digest d;
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        d.update(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    return d.hex();
}

std::string sha256_text(std::string const& text) {
    Digest d;
    d.update(text.data(), text.size());
    return d.hex();
}

} // namespace tsunagi
