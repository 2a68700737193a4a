package io.streamgate.api.resources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AssetRequestsTest {
    @Test
    void errorMessagesListTheAssetTypesInTheirDocumentedOrder() {
        assertThat(AssetRequests.ASSET_TYPES_LISTED).isEqualTo("thumbnail, overlay, emote, banner");
    }
}
