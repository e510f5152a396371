using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Primitives;

namespace Amsha;

/// <summary>
/// Where agents, tasks and crews are defined at run time: a directory of YAML/JSON files
/// (<see cref="FileDefinitionSource"/>), a database table (<c>Amsha.Sqlite</c>'s <c>SqliteDefinitionSource</c>), or your own.
/// Its definitions overlay the texts of compiled crews and define dynamic crews run by name
/// (see <see cref="ExecutionSession.AddDefinitionSource"/>).
/// </summary>
public interface IDefinitionSource
{
    /// <summary>What the source reads, for errors and logs (a directory, a database file and table).</summary>
    string Name { get; }

    /// <summary>Reads every definition of the source as one consistent set.</summary>
    /// <exception cref="DefinitionException">The definitions cannot be read (malformed text, duplicate names, too large); the message names the file and line or the table and row.</exception>
    ValueTask<DefinitionSet> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>A token that fires when the definitions may have changed; the session then loads them again.</summary>
    /// <remarks>Sources that never change return a token that never fires (<c>NullChangeToken.Singleton</c>).</remarks>
    IChangeToken GetReloadToken();
}
