using Herald.Client.Subscribing;

namespace Herald.Tests.Client;

/// <summary>Which close codes end a subscriber (docs/client.md, "What ends a subscriber"), and which it reconnects from.</summary>
public sealed class CloseCodeRulesTests
{
    [Theory]
    [InlineData(4004, true)]
    [InlineData(4000, true)]
    [InlineData(4002, true)]
    [InlineData(4012, true)]
    [InlineData(1002, true)]
    [InlineData(1007, true)]
    [InlineData(1009, true)]
    [InlineData(1000, false)]
    [InlineData(1001, false)]
    [InlineData(1006, false)]
    [InlineData(1011, false)]
    [InlineData(4001, false)]
    [InlineData(4003, false)]
    [InlineData(4005, false)]
    [InlineData(4006, false)]
    [InlineData(4013, false)]
    [InlineData(4099, false)]
    public void EndsSubscriber_WhateverTheTokenProvider_OnlyFinalCodesEndIt(int code, bool final)
    {
        foreach (var loggedIn in (bool[])[false, true])
        {
            Assert.Equal(final, CloseCodeRules.EndsSubscriber(code, loggedIn, hasTokenProvider: false, tokenRefusals: 0));
            Assert.Equal(final, CloseCodeRules.EndsSubscriber(code, loggedIn, hasTokenProvider: true, tokenRefusals: 0));
        }
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    public void EndsSubscriber_TokenRefusedAtLoginWithoutAProvider_EndsIt(int code) =>
        Assert.True(CloseCodeRules.EndsSubscriber(code, loggedIn: false, hasTokenProvider: false, tokenRefusals: 1));

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    public void EndsSubscriber_TokenRefusedAtLoginOnceWithAProvider_ReconnectsForAFreshToken(int code) =>
        Assert.False(CloseCodeRules.EndsSubscriber(code, loggedIn: false, hasTokenProvider: true, tokenRefusals: 1));

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    public void EndsSubscriber_ProvidersFreshTokenRefusedToo_EndsIt(int code) =>
        Assert.True(CloseCodeRules.EndsSubscriber(code, loggedIn: false, hasTokenProvider: true, tokenRefusals: 2));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EndsSubscriber_CredentialExpiredOnALoggedInConnection_Reconnects(bool hasTokenProvider) =>
        Assert.False(CloseCodeRules.EndsSubscriber(4011, loggedIn: true, hasTokenProvider, tokenRefusals: 1));

    [Theory]
    [InlineData(4010, true)]
    [InlineData(4011, true)]
    [InlineData(4012, false)]
    [InlineData(4013, false)]
    [InlineData(null, false)]
    public void IsTokenRefusal_OnlyInvalidAndExpired(int? code, bool refusal) =>
        Assert.Equal(refusal, CloseCodeRules.IsTokenRefusal(code));

    [Theory]
    [InlineData(4006, true)]
    [InlineData(4003, false)]
    [InlineData(4005, false)]
    [InlineData(1006, false)]
    [InlineData(null, false)]
    public void CountsAsFailedAttempt_OnlyTheMessageRate(int? code, bool failed) =>
        Assert.Equal(failed, CloseCodeRules.CountsAsFailedAttempt(code));
}
