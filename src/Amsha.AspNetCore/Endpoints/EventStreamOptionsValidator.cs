using System;
using System.Collections.Generic;
using System.Linq;
using Amsha.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>
/// Checks <see cref="AmshaEventStreamOptions"/>: each limit at least 1 and, when they were bound from
/// <c>Amsha:EventStreams</c>, no unknown key there (the binder ignores a misspelt key, which would then do nothing).
/// Every message names the setting as the app wrote it.
/// </summary>
internal sealed class EventStreamOptionsValidator(IConfiguration? section) : IValidateOptions<AmshaEventStreamOptions>
{
    private static readonly string[] s_keys = { nameof(AmshaEventStreamOptions.MaxEventsPerExecution), nameof(AmshaEventStreamOptions.MaxExecutions) };

    public ValidateOptionsResult Validate(string? name, AmshaEventStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (section is not null)
        {
            UnknownSettings.Report(section, AmshaEventStreamOptions.ConfigurationSectionName, s_keys, errors);
        }

        AtLeastOne(nameof(AmshaEventStreamOptions.MaxEventsPerExecution), options.MaxEventsPerExecution);
        AtLeastOne(nameof(AmshaEventStreamOptions.MaxExecutions), options.MaxExecutions);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void AtLeastOne(string setting, int value)
        {
            if (value < 1)
            {
                errors.Add($"AmshaEventStreamOptions.{setting} must be at least 1; it is {value}.");
            }
        }
    }
}
