using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Amsha.Orleans;

/// <summary>
/// Checks <see cref="AmshaOrleansOptions"/> when the options are first read (and at host start): every interval
/// positive and within what one timer reaches, the lease as <see cref="ExecutionSession.UseOwner"/> takes it, at least
/// one dispatch attempt. A zero poll interval would read the store without pause; a negative delay would fail every
/// grain call it guards.
/// </summary>
internal sealed class AmshaOrleansOptionsValidator : IValidateOptions<AmshaOrleansOptions>
{
    public ValidateOptionsResult Validate(string? name, AmshaOrleansOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>What is wrong with <paramref name="options"/>, one sentence per setting; empty when nothing is.</summary>
    public static List<string> Problems(AmshaOrleansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Interval(nameof(AmshaOrleansOptions.StorePollInterval), options.StorePollInterval, "how often a grain reads the store for an execution that runs nowhere", problems);
        Interval(nameof(AmshaOrleansOptions.RetryDelay), options.RetryDelay, "the first wait before a failed grain call is tried again", problems);
        Interval(nameof(AmshaOrleansOptions.MaxRetryDelay), options.MaxRetryDelay, "the longest wait between two tries of a grain call", problems);
        if (options.LeaseDuration < ExecutionLease.ShortestDuration || options.LeaseDuration > ExecutionLease.LongestDuration)
        {
            problems.Add($"AmshaOrleansOptions.LeaseDuration is {Show(options.LeaseDuration)}; it must last from {Show(ExecutionLease.ShortestDuration)} to {Show(ExecutionLease.LongestDuration)} (a silo renews it every third of it, on a timer).");
        }

        if (options.DispatchAttempts < 1)
        {
            problems.Add($"AmshaOrleansOptions.DispatchAttempts is {options.DispatchAttempts.ToString(CultureInfo.InvariantCulture)}; at least one attempt is needed to hand an execution to its grain.");
        }

        return problems;
    }

    private static void Interval(string setting, TimeSpan value, string meaning, List<string> problems)
    {
        if (value <= TimeSpan.Zero || value > TimerLimits.LongestWait)
        {
            problems.Add($"AmshaOrleansOptions.{setting} is {Show(value)}; it must be positive and at most {Show(TimerLimits.LongestWait)} ({meaning}).");
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
