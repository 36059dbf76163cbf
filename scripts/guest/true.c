// SPDX-License-Identifier: GPL-2.0
/* /bin/true for the harness guest, which has no shell. */
int main(void)
{
	return 0;
}
