global using Amsha.TestKit;
global using Xunit;
