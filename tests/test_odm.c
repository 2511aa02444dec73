/* test_odm.c - ODM validation, hostile XML, dump, SHA-256 */
#include "config.h"

#include "cu_main.h"
#include "ecpr_odm.h"

static CU_TestInfo placeholder[] = { CU_TEST_INFO_NULL };
int
main(void)
{
	CU_SuiteInfo suites[] = { { "odm", NULL, NULL, NULL, NULL, placeholder }, CU_SUITE_INFO_NULL };
	return cu_run(suites);
}
