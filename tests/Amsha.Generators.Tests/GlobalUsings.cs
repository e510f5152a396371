global using Amsha;
global using Amsha.TestKit;
global using Xunit;
