using System.Net;
using Herald.Connections;
using Herald.Diagnostics;

namespace Herald.Tests.Connections;

public sealed class ConnectionSlotsTests
{
    [Fact]
    public void AddressKey_TwoAddressesOfOneIpv6Slash64_AreOneKey()
    {
        var first = AddressKey.From(IPAddress.Parse("2001:db8:1:2::10"), out _);
        var second = AddressKey.From(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), out _);
        var otherNetwork = AddressKey.From(IPAddress.Parse("2001:db8:1:3::10"), out _);

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherNetwork);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.9.8.7", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2001:db8::1", false)]
    public void AddressKey_Loopback_IsRecognisedInEveryForm(string address, bool loopback)
    {
        AddressKey.From(IPAddress.Parse(address), out var isLoopback);

        Assert.Equal(loopback, isLoopback);
    }

    [Fact]
    public void AddressKey_IPv4AndItsMappedForm_AreOneKey()
    {
        Assert.Equal(AddressKey.From(IPAddress.Parse("192.0.2.1"), out _), AddressKey.From(IPAddress.Parse("::ffff:192.0.2.1"), out _));
        Assert.NotEqual(AddressKey.From(IPAddress.Parse("192.0.2.1"), out _), AddressKey.From(IPAddress.Parse("192.0.2.2"), out _));
    }

    [Fact]
    public void TryTake_PendingFullAfterTheAddressSlot_GivesTheAddressSlotBack()
    {
        var slots = new ConnectionSlots(new HeraldOptions { MaxPendingLogins = 1, MaxConnectionsPerIp = 5, ExemptLoopbackFromIpLimit = false });
        var client = IPAddress.Parse("192.0.2.1");
        Assert.Null(slots.TryTake(client));

        Assert.Equal(HeraldLimit.PendingLogins, slots.TryTake(client));

        Assert.Equal((1, 1), (slots.Pending, slots.Addresses));
        slots.Return(client, pending: true);
        Assert.Equal((0, 0), (slots.Pending, slots.Addresses));
    }

    [Fact]
    public async Task TryTakeAndReturn_ManyThreadsOnFewAddresses_NeverOvershootAndEndAtZero()
    {
        const int limit = 4;
        var slots = new ConnectionSlots(new HeraldOptions { MaxConnectionsPerIp = limit, ExemptLoopbackFromIpLimit = false, MaxPendingLogins = 1_000_000 });
        var addresses = new[] { IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("2001:db8::1") };
        var held = new int[addresses.Length];
        var overshoot = 0;

        await Parallel.ForAsync(0, 200_000, TestContext.Current.CancellationToken, (i, _) =>
        {
            var which = i % addresses.Length;
            if (slots.TryTake(addresses[which]) is null)
            {
                if (Interlocked.Increment(ref held[which]) > limit)
                {
                    Interlocked.Exchange(ref overshoot, 1);
                }

                slots.ReturnPending();
                Interlocked.Decrement(ref held[which]);
                slots.Return(addresses[which], pending: false);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(0, overshoot);
        Assert.Equal((0, 0), (slots.Pending, slots.Addresses));
    }
}
