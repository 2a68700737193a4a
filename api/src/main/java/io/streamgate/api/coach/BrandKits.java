package io.streamgate.api.coach;

import io.streamgate.schemas.coach.CoachRequest.BrandKitSnapshot;
import java.util.Optional;
import java.util.UUID;

/** Looks up the signed-in user's brand kit (row level security decides what is visible). */
interface BrandKits {
    Optional<BrandKitSnapshot> find(UUID user, UUID brandKitId);
}
