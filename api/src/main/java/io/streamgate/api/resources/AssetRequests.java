package io.streamgate.api.resources;

import java.util.List;

/** What may be asked for, the same for a generation job and a coach session. */
public final class AssetRequests {
    /** The asset types, in the order error messages list them. */
    public static final List<String> ASSET_TYPES = List.of("thumbnail", "overlay", "emote", "banner");
    /** {@link #ASSET_TYPES} as error messages list them: {@code thumbnail, overlay, emote, banner}. */
    public static final String ASSET_TYPES_LISTED = String.join(", ", ASSET_TYPES);
    /** The longest prompt, in characters, after stripping surrounding white space. */
    public static final int MAX_PROMPT = 4000;

    private AssetRequests() {}
}
