/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites of vfio_ccw_kunit.ko (the state machine, the
 * translation, the pin layer) share. Test-only.
 */
#ifndef _VFIO_CCW_KUNIT_H_
#define _VFIO_CCW_KUNIT_H_

#include <kunit/test.h>

/*
 * VFIO_CCW_KUNIT_SUITE() - define and register the suite "vfio_ccw_@sname"
 * @sname: the suite's name after "vfio_ccw_"
 * @init_fn: sets up each case (and each parameter of a case)
 * @exit_fn: tears it down
 * @cases: the cases, ended by an empty one
 */
#define VFIO_CCW_KUNIT_SUITE(sname, init_fn, exit_fn, cases)		\
	static struct kunit_suite vfio_ccw_##sname##_suite = {		\
		.name = "vfio_ccw_" #sname,				\
		.init = init_fn,					\
		.exit = exit_fn,					\
		.test_cases = cases,					\
	};								\
	kunit_test_suite(vfio_ccw_##sname##_suite)

#endif /* _VFIO_CCW_KUNIT_H_ */
