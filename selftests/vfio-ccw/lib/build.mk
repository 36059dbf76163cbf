# SPDX-License-Identifier: GPL-2.0
#
# How programs on the vfio-ccw selftests' library are built, for the
# selftests' Makefile and for tools/vfio-ccw (the benchmark and the demo):
# the including Makefile sets TEST_GEN_PROGS and TEST_GEN_PROGS_EXTENDED
# first. Programs build the kselftest way (lib.mk), each linked with the
# library's objects.

VFIO_CCW_LIB := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

KSRC ?= $(top_srcdir)
ifneq ($(wildcard $(VFIO_CCW_LIB)/../../lib.mk),)
SELFTESTS := $(abspath $(VFIO_CCW_LIB)/../..)
else ifneq ($(KSRC),)
SELFTESTS := $(abspath $(KSRC))/tools/testing/selftests
else
$(error set KSRC to a kernel tree, or build from tools/testing/selftests)
endif

VFIO_CCW_UAPI ?= $(wildcard $(VFIO_CCW_LIB)/../../../uapi)
# The native runner's interface, for the fidelity oracle (project only).
VFIO_CCW_NATIVE := $(wildcard $(VFIO_CCW_LIB)/../../../drivers/vfio_ccw/tests/vfio_ccw_native.h)

LIB_SRCS := ccw.c vfio_ccw_lib.c hostile.c
LIB_HDRS := $(wildcard $(VFIO_CCW_LIB)/*.h) $(VFIO_CCW_NATIVE)
ifneq ($(VFIO_CCW_UAPI),)
LIB_HDRS += $(VFIO_CCW_UAPI)/linux/vfio_ccw.h
endif

include $(SELFTESTS)/lib.mk

# Ours before the kernel's exported headers; the kselftest headers as
# system headers (they are not -Wextra clean). __packed: the uapi header
# is used as it is in the source tree.
CFLAGS += -O2 -Wall -Wextra -pthread '-D__packed=__attribute__((packed))'
CFLAGS += $(addprefix -I,$(VFIO_CCW_UAPI)) $(KHDR_INCLUDES)
CFLAGS += -isystem $(selfdir) -I$(VFIO_CCW_LIB)
CFLAGS += $(addprefix -I,$(dir $(VFIO_CCW_NATIVE)))
LDLIBS += -lpthread

# The library's objects: beside the programs unless VFIO_CCW_LIB_OUT says
# where (a directory the programs' one does not carry along).
VFIO_CCW_LIB_OUT ?= $(OUTPUT)/lib
LIB_OBJS := $(patsubst %.c,$(VFIO_CCW_LIB_OUT)/%.o,$(LIB_SRCS))
LOCAL_HDRS += $(LIB_HDRS)

$(VFIO_CCW_LIB_OUT)/%.o: $(VFIO_CCW_LIB)/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(call msg,CC,,$@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED): $(LIB_OBJS)

EXTRA_CLEAN := $(LIB_OBJS)

