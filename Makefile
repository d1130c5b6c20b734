# Workbench for the IOMMU SVA kernel-address invalidation series.
# See README.md. Every target takes TARGET=debian-6.12|mainline (targets/);
# the series is patches/$(TARGET)/, the kernel tree build/$(TARGET)/linux.

S := scripts

.PHONY: help run check bench send signoff deps doctor fresh-check deb deb-test rebase tree apply export status build kunit boot-test checkpatch builds mutants holes clean

help:
	@echo "Every target takes TARGET=debian-6.12 (default) or TARGET=mainline (T below)."
	@echo "make run        build the patched kernel, boot it on emulated VT-d, report"
	@echo "make check      the whole test suite (CI runs this)"
	@echo "make bench      unpatched base vs series, same machine (mainline: SVA binds; 6.12: huge-vmap churn)"
	@echo "make send       mail the mainline series (dry run; SEND=1 sends, V=2 for v2)"
	@echo "make signoff    your Signed-off-by on every patch (branch 'signed'), before SEND=1"
	@echo "make doctor     is every tool the workbench calls installed? (names the package)"
	@echo "make fresh-check make check in a new Debian 12 root (debootstrap; root; not in CI)"
	@echo "make deb        linux-image/linux-headers .debs from Debian's config (LSMOD=, DEB_CONFIG=full)"
	@echo "make deb-test   boot the .deb with Debian userspace on emulated VT-d (root; not in make check)"
	@echo "make rebase     move the series to Debian's newest upload of its base (VERSION=, CONTINUE=1)"
	@echo "make tree       unpack the pinned base and apply patches/T/ (build/T/linux)"
	@echo "make apply      reset build/T/linux to base and re-apply patches/T/"
	@echo "make export     write build/T/linux's commits since base to patches/T/"
	@echo "make status     do build/T/linux and patches/T/ agree? (exit 1 if not)"
	@echo "make build      build the test kernel (kunit.py build)"
	@echo "make kunit      run the KUnit suites in scalable and legacy mode"
	@echo "make boot-test  boot test with virtio-blk behind the IOMMU, both modes"
	@echo "make checkpatch checkpatch --strict on every patch"
	@echo "make builds     per-patch builds, W=1 + sparse, coccicheck"
	@echo "make mutants    each defect of mutants/T/ must fail the KUnit runs (~5 min each)"
	@echo "make holes      the tests of the holes the fixes close must fail on the unpatched base"
	@echo "make clean      remove build/ (the tree too: export first)"

run:
	@$(S)/run.sh

check:
	@$(S)/check.sh

bench: tree
	@$(S)/bench.sh

send:
	@$(S)/send.sh

signoff:
	@$(S)/signoff.sh

deps:
	@$(S)/deps.sh

doctor:
	@$(S)/doctor.sh

fresh-check:
	@$(S)/fresh-check.sh

deb:
	@$(S)/deb.sh

deb-test:
	@$(S)/deb-test.sh

rebase: deps
	@$(S)/rebase.sh

tree: deps
	@$(S)/tree.sh

apply: deps
	@$(S)/tree.sh apply

export:
	@$(S)/export.sh

status:
	@$(S)/status.sh

build: tree
	@$(S)/kunit.sh build

kunit: build
	@for m in $$($(S)/kunit.sh modes); do $(S)/kunit.sh exec $$m && $(S)/kunit-report.sh $$m || exit 1; done

boot-test: build
	@for m in scalable legacy; do $(S)/boot-test.sh $$m || exit 1; done

checkpatch: tree
	@$(S)/checkpatch.sh

mutants: build
	@$(S)/mutants.sh

holes: tree
	@$(S)/holes.sh

builds: tree
	@$(S)/kunit.sh config && $(S)/builds.sh

clean:
	@[ ! -d build/linux/.git ] || { echo "refusing: build/linux is a tree of the old layout (move it to build/debian-6.12/linux)"; exit 1; }
	@for t in $(notdir $(basename $(wildcard targets/*.conf))); do \
		TARGET=$$t $(S)/status.sh >/dev/null || { TARGET=$$t $(S)/status.sh; \
		echo "refusing: 'make export TARGET=$$t' first (or rm -rf build)"; exit 1; }; done
	rm -rf --one-file-system build
