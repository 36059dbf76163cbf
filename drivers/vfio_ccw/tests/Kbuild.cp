# SPDX-License-Identifier: GPL-2.0
# Channel-program translation and its KUnit suite (cp helper). Paths are
# relative to the top-level Kbuild; include this from Kbuild.inc.

vfio_ccw-y += drivers/vfio_ccw/vfio_ccw_cp.o

ifdef CONFIG_KUNIT
obj-m += vfio_ccw_kunit.o
vfio_ccw_kunit-y += drivers/vfio_ccw/tests/vfio_ccw_cp_kunit.o
endif
