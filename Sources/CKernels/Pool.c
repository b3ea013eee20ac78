// A pool of helper threads for the kernels' parallel loops.
//
// Handing work to a Dispatch worker costs tens of microseconds (a wake-up through the
// kernel), more than a recurrent step's whole matrix product takes. Here the helpers
// spin for a while after each loop, watching a counter, so a loop that follows soon after
// the last one reaches them in well under a microsecond; after about 50 µs without work
// they sleep on a condition variable and cost nothing.
//
// One loop runs at a time. A loop started while another runs (from another thread, or from
// inside a chunk) is run by its caller alone, so nothing waits on itself.
#include "CKernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define LM_MAX_HELPERS 63

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;  // held while a loop runs
static pthread_mutex_t sleepLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static _Atomic long generation;     // bumped to start a loop
static _Atomic long sleepers;       // helpers waiting on `wake`
// The next chunk to claim, in the low 32 bits, tagged in the high 32 bits with the loop's
// generation: a helper that wakes late, after its loop ended, fails to claim anything.
static _Atomic unsigned long long claim;
static _Atomic long finished;       // chunks done
static _Atomic long wanted;         // helpers that may join the current loop
static long helpersStarted;         // guarded by `busy`

// Jobs running side by side (`lm_pool_serial`): while they fill the cores, their loops run
// serially; when fewer remain (the last job of a batch), the idle cores help them again.
static _Atomic long jobsRunning;

static lm_chunk_function job;
static void *jobContext;
// Written last (release) when a loop is set up, after `claim` has the new loop's tag, and
// read first (acquire) by `work`: a helper that sees this loop's size also sees its tag.
static _Atomic long jobChunks;

static inline void relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// Claims and runs chunks of loop `loop` until none is left. The loop's function, context
/// and size are read first; they are only used after a claim tagged with `loop` succeeds,
/// which proves the loop still had unclaimed chunks, so they had not been overwritten.
static void work(long loop) {
  // The size first: if it is a newer loop's, the claim below carries that loop's tag and
  // a helper late for `loop` claims nothing (it once ran a chunk of the next loop early,
  // with the old loop's tag and the new loop's size, so that chunk ran twice).
  unsigned long long chunks =
    (unsigned long long)atomic_load_explicit(&jobChunks, memory_order_acquire);
  lm_chunk_function function = job;
  void *context = jobContext;
  unsigned long long tag = ((unsigned long long)loop & 0xFFFFFFFFull) << 32;
  for (;;) {
    unsigned long long value = atomic_load_explicit(&claim, memory_order_acquire);
    do {
      if ((value & 0xFFFFFFFF00000000ull) != tag || (value & 0xFFFFFFFFull) >= chunks) return;
    } while (!atomic_compare_exchange_weak_explicit(
      &claim, &value, value + 1, memory_order_acq_rel, memory_order_acquire));
    function(context, (long)(value & 0xFFFFFFFFull));
    atomic_fetch_add_explicit(&finished, 1, memory_order_release);
  }
}

static void *helper(void *argument) {
  long index = (long)argument;
  long seen = atomic_load_explicit(&generation, memory_order_acquire);
  for (;;) {
    // Spin for new work, then sleep.
    double start = seconds();
    long now;
    int spins = 0;
    while ((now = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
      relax();
      if (++spins % 256 == 0 && seconds() - start > 50e-6) {
        pthread_mutex_lock(&sleepLock);
        atomic_fetch_add_explicit(&sleepers, 1, memory_order_acq_rel);
        while ((now = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
          pthread_cond_wait(&wake, &sleepLock);
        atomic_fetch_sub_explicit(&sleepers, 1, memory_order_acq_rel);
        pthread_mutex_unlock(&sleepLock);
        break;
      }
    }
    seen = now;
    if (index < atomic_load_explicit(&wanted, memory_order_acquire)) work(now);
  }
  return NULL;
}

void lm_pool_run(long threads, long chunks, lm_chunk_function function, void *context) {
  if (threads > LM_MAX_HELPERS + 1) threads = LM_MAX_HELPERS + 1;
  if (threads <= 1 || chunks <= 1
      || atomic_load_explicit(&jobsRunning, memory_order_relaxed) >= threads
      || pthread_mutex_trylock(&busy) != 0) {
    for (long chunk = 0; chunk < chunks; chunk++) function(context, chunk);
    return;
  }
  while (helpersStarted < threads - 1) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, helper, (void *)helpersStarted) != 0) {
      pthread_attr_destroy(&attributes);
      break;
    }
    pthread_attr_destroy(&attributes);
    helpersStarted++;
  }
  // The new tag before the new loop's function, context and size (see `jobChunks`).
  long loop = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
  atomic_store_explicit(
    &claim, ((unsigned long long)loop & 0xFFFFFFFFull) << 32, memory_order_seq_cst);
  job = function;
  jobContext = context;
  atomic_store_explicit(&jobChunks, chunks, memory_order_release);
  atomic_store_explicit(&finished, 0, memory_order_relaxed);
  atomic_store_explicit(&wanted, threads - 1, memory_order_relaxed);
  atomic_store_explicit(&generation, loop, memory_order_release);
  if (atomic_load_explicit(&sleepers, memory_order_acquire) > 0) {
    pthread_mutex_lock(&sleepLock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleepLock);
  }
  work(loop);
  while (atomic_load_explicit(&finished, memory_order_acquire) < chunks) relax();
  pthread_mutex_unlock(&busy);
}

void lm_pool_serial(bool serial) {
  atomic_fetch_add_explicit(&jobsRunning, serial ? 1 : -1, memory_order_relaxed);
}

static _Atomic long threadLimit;

long lm_thread_limit(void) { return atomic_load_explicit(&threadLimit, memory_order_relaxed); }

void lm_set_thread_limit(long threads) {
  atomic_store_explicit(&threadLimit, threads, memory_order_relaxed);
}
