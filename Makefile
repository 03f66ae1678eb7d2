# The two commands of the README:
#   make demo   install missing Debian packages, build (Release), run scenarios/demo.yaml
#   make test   install missing Debian packages, build (Release), run the whole test suite
# Both are safe to repeat: packages are only installed when missing and builds are incremental.

PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= 2
WERROR ?= OFF

.PHONY: demo test deps configure build bench clean format

demo: build
	$(BUILD_DIR)/bin/tsunagi run scenarios/demo.yaml -o out/demo.h5

test: build
	ctest --preset $(PRESET) --output-on-failure

deps:
	scripts/install-deps

configure: deps
	cmake --preset $(PRESET) -DTSUNAGI_WERROR=$(WERROR)

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

bench: build
	bench/run

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build out
