// Written by `npx tsx evals/train-image-router.ts` (24 training images per kind); do not edit by hand.
import type { RouterWeights } from "./router.ts"

export const TRAINED: RouterWeights = {"mean":[0.050719,0.249668,0.623122,0.083345,0.195311,0.997341],"std":[0.035519,0.18449,0.299003,0.104668,0.124235,0.785891],"weights":[[2.178581,-0.186801,0.324939,-0.260491,1.896337,0.386396,3.563438],[-1.516058,-1.046511,0.928808,-0.621251,-3.036864,-0.485052,-2.481623],[-0.662523,1.233312,-1.253746,0.881742,1.140527,0.098656,-1.081814]]}
