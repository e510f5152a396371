using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Amsha.Hosting.Tests")]
