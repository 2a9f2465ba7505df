/** Fault injection for tests: failed requests, latency, closed watches and expired history. */

/** The requests a fault applies to. */
export interface FaultMatch {
  /** A string matches the URL path exactly (without the query). A RegExp is tested against the path. */
  path: string | RegExp;
  /** HTTP method in any case, or any method when unset. */
  method?: string;
  /** With true only watch requests match, with false only other requests, and unset both. */
  watch?: boolean;
}

interface FailureRule {
  match: FaultMatch;
  remaining: number;
  status: number;
}

interface LatencyRule {
  milliseconds: number;
  path?: string | RegExp;
}

/** The request properties faults are matched against. */
export interface FaultTarget {
  method: string;
  path: string;
  watch: boolean;
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

/** The faults currently set. */
export class FaultPlan {
  private failures: FailureRule[] = [];
  private latencies: LatencyRule[] = [];

  /** Fails the next `count` matching requests with a Status of HTTP code `status`. */
  failNext(match: FaultMatch, count: number, status: number): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`failNext count must be a positive integer, got ${count}`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`failNext status must be an HTTP error code (400-599), got ${status}`);
    }
    this.failures.push({ match, remaining: count, status });
  }

  /** Delays matching requests (all when `path` is unset) by `milliseconds`. 0 removes the delay. */
  setLatency(milliseconds: number, path?: string | RegExp): void {
    if (!(milliseconds >= 0)) {
      throw new RangeError(`latency must be 0 or more milliseconds, got ${milliseconds}`);
    }
    this.latencies = this.latencies.filter((rule) => String(rule.path) !== String(path));
    if (milliseconds > 0) {
      const rule: LatencyRule = { milliseconds };
      if (path !== undefined) rule.path = path;
      this.latencies.push(rule);
    }
  }

  /** Removes every failure and latency rule. */
  reset(): void {
    this.failures = [];
    this.latencies = [];
  }

  /** Consumes one matching failure and returns its status code, or undefined. */
  takeFailure(target: FaultTarget): number | undefined {
    const rule = this.failures.find((candidate) => {
      const { match } = candidate;
      if (!pathMatches(match.path, target.path)) return false;
      if (match.method !== undefined && match.method.toUpperCase() !== target.method) return false;
      return match.watch === undefined || match.watch === target.watch;
    });
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) {
      this.failures = this.failures.filter((candidate) => candidate !== rule);
    }
    return rule.status;
  }

  /** Returns the delay for a path in milliseconds (the largest matching rule), or 0. */
  latencyFor(path: string): number {
    return this.latencies
      .filter((rule) => rule.path === undefined || pathMatches(rule.path, path))
      .reduce((largest, rule) => Math.max(largest, rule.milliseconds), 0);
  }
}
