/*
 * A stand-in for Windows' bcryptprimitives.dll, for running regtracker's Windows
 * programs under Wine 8 (Debian 12), which lacks that DLL. Go 1.24 and later call its
 * ProcessPrng for random bytes at start-up, so without it every Go program stops with
 * "bcryptprimitives.dll not found". Windows 10 and 11 have the real DLL: this one is
 * only copied into the test's Wine prefix, never into the package.
 *
 * ProcessPrng fills data with size random bytes from the system's generator and
 * returns TRUE, as the real one does.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
