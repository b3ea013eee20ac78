// How many processors this process may run on.
//
// Foundation's `activeProcessorCount` counts the machine's online processors. A process
// pinned to fewer (`taskset`, a container's cpuset) or given a CPU quota (`docker --cpus`)
// would then start helpers that spin on the core its own thread needs: `denoising --quick`
// pinned to one core of two took 4.6 s (median of five) against 3.1 s with one thread, its
// helper in a fifth of the samples. So the kernels ask for the affinity mask and the quota.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CKernels.h"

#include <stdio.h>
#if defined(__linux__)
#include <sched.h>
#endif

/// The whole processors a quota of `quota` per `period` microseconds allows, rounded down
/// but at least one, or 0 when there is no quota: with 1.5 processors' worth, a second
/// thread spinning between loops would spend the quota the work needs.
static long quotaProcessors(long quota, long period) {
  if (quota <= 0 || period <= 0) return 0;
  return quota / period > 1 ? quota / period : 1;
}

long lm_cpu_max_processors(const char *line) {
  long quota = 0, period = 0;
  // "max 100000" (no quota) fails the first conversion and gives 0.
  if (sscanf(line, "%ld %ld", &quota, &period) != 2) return 0;
  return quotaProcessors(quota, period);
}

#if defined(__linux__)
/// The CPU quota of the process's cgroup, as the container sees it: version 2's
/// `cpu.max`, else version 1's `cfs_quota_us` and `cfs_period_us`.
static long cgroupProcessors(void) {
  FILE *file = fopen("/sys/fs/cgroup/cpu.max", "r");
  if (file != NULL) {
    char line[64];
    long result = fgets(line, sizeof line, file) != NULL ? lm_cpu_max_processors(line) : 0;
    fclose(file);
    return result;
  }
  long quota = 0, period = 0;
  file = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r");
  if (file == NULL) return 0;
  if (fscanf(file, "%ld", &quota) != 1) quota = 0;
  fclose(file);
  file = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r");
  if (file == NULL) return 0;
  if (fscanf(file, "%ld", &period) != 1) period = 0;
  fclose(file);
  return quotaProcessors(quota, period);
}
#endif

// The mask is the calling thread's: the first to ask is the main thread, before any
// helper starts.
long lm_usable_processors(void) {
#if defined(__linux__)
  long count = 0;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) count = CPU_COUNT(&set);
  long quota = cgroupProcessors();
  if (quota > 0 && (count == 0 || quota < count)) count = quota;
  return count;
#else
  return 0;
#endif
}
