# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper: the module build is Kbuild's; everything else is a script.
#
#   make            build vfio_ccw.ko (and the test modules) against KDIR
#   make demo       boot an s390x guest and show the driver at work
#   make check      lint, build, KUnit, selftests on ours and the reference
#   make bench      benchmarks, ours against the reference
#   make fidelity   the differential oracle (SEED=first seed N=programs)
#   make lint       checkpatch, sparse, kernel-doc, coccinelle
#
# KDIR defaults to the harness's cached s390x tree (built on first use).
# On a real s390 host: make KDIR=/lib/modules/$(uname -r)/build, where that
# is a prepared source tree (the cio headers are private to the tree).

ARCH ?= s390
ifneq ($(shell uname -m),s390x)
CROSS_COMPILE ?= s390x-linux-gnu-
endif
export ARCH CROSS_COMPILE

KDIR ?= $(shell $(CURDIR)/scripts/kernel.sh base)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

selftests:
	scripts/selftests-build.sh

demo:
	scripts/demo.sh

check:
	scripts/check.sh

bench:
	scripts/bench.sh

fidelity:
	scripts/fidelity.sh

lint:
	scripts/lint.sh

.PHONY: all modules clean selftests demo check bench fidelity lint
