# The two commands of the README:
#   make demo   install missing Debian packages, build (Release), run scenarios/demo.yaml
#   make test   install missing Debian packages, build (Release), run the whole test suite
#   make bench  the same build, then the benchmarks (bench/run; docs/benchmarks.md)
# Both are safe to repeat: packages are only installed when missing and builds are incremental.

PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= 2
WERROR ?= OFF

.PHONY: demo test deps configure build bench clean format jupyter python-install

demo: build
	$(BUILD_DIR)/bin/tsunagi run scenarios/demo.yaml -o out/demo.h5
	$(BUILD_DIR)/bin/tsunagi plot out/demo.h5 --summary out/demo.png

test: build
	ctest --preset $(PRESET) --output-on-failure

deps:
	scripts/install-deps

configure: deps
	cmake --preset $(PRESET) -DTSUNAGI_WERROR=$(WERROR)

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

# Benchmarks (bench/run: tables, JSON, summary line; installs SUMO for the comparison).
# BENCH=--quick for the < 10 min version.
BENCH ?=
bench: build
	scripts/install-deps --bench
	bench/run $(BENCH)

# Jupyter on notebooks/ with the tsunagi package of this build on the Python path.
jupyter: build
	PYTHONPATH=$(CURDIR)/$(BUILD_DIR)/python /usr/bin/jupyter notebook notebooks/

# Optional: makes `import tsunagi` work in Debian's python3 (and Jupyter) without PYTHONPATH, by
# writing a .pth file that points at this build into /usr/local/lib/python3.X/dist-packages.
python-install: build
	scripts/python-install $(CURDIR)/$(BUILD_DIR)/python

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build out
