"""PKU-MMD (51 classes). Classes shared with NTU RGB+D reuse its text (``<- ntu120``); the rest are written here."""

SOURCE = r"""
@ bow
syn: bowing | bow politely | bend forward in greeting
head: lowers forward with the trunk, the gaze going to the floor, then lifts back up
hands: rest flat on the thighs or stay at the sides
arms: hang straight down along the body, sliding toward the knees as the trunk bends
hips: hinge forward to tip the straight back about thirty to forty-five degrees, then return
legs: stay straight and together
feet: stay together and planted
vis: the whole upper body tips forward from the hips with a straight back
vis: the hands rest on the front of the thighs or at the sides
vis: the bow is held briefly before rising upright
vis: no object is held and the arms do not move away from the body
@ brushing hair <- ntu120
@ brushing teeth <- ntu120
@ check time (from watch) <- ntu120
@ cheer up <- ntu120
@ clapping <- ntu120
@ cross hands in front (say stop) <- ntu120
@ drink water <- ntu120
@ drop <- ntu120
@ eat meal/snack <- ntu120
@ falling <- ntu120
@ giving something to other person <- ntu120
@ hand waving <- ntu120
@ handshaking <- ntu120
@ hopping (one foot jumping) <- ntu120
@ hugging other person <- ntu120
@ jump up <- ntu120
@ kicking other person <- ntu120
@ kicking something <- ntu120
@ make a phone call/answer phone <- ntu120
@ pat on back of other person <- ntu120
@ pickup <- ntu120
@ playing with phone/tablet <- ntu120
@ point finger at the other person <- ntu120
@ pointing to something with finger <- ntu120
@ punching/slapping other person <- ntu120
@ pushing other person <- ntu120
@ put on a hat/cap <- ntu120
@ put something inside pocket
syn: put an item in a pocket | pocket something | slip an object into a pocket
head: glances down toward the hip pocket
hands: one hand holds a small object such as a phone or keys and pushes it down into a trouser pocket, coming out empty
arms: the arm lowers from chest height to the hip, bending at the elbow, and lifts away empty
hips: turn slightly to open the pocket
legs: stand still
feet: stay planted
vis: a small object is held in the hand above the pocket opening
vis: the fingers push the object down into the pocket at the side of the hip
vis: the hand comes back out of the pocket with nothing in it
vis: the direction is into the pocket, opposite to taking something out
@ reading <- ntu120
@ rub two hands together <- ntu120
@ salute <- ntu120
@ sitting down <- ntu120
@ standing up <- ntu120:standing up (from sitting position)
@ take off a hat/cap <- ntu120
@ take off glasses <- ntu120
@ take off jacket <- ntu120
@ take out something from pocket
syn: take an item out of a pocket | pull something from a pocket | get something from one's pocket
head: glances down at the hip, then at the object in the hand
hands: one empty hand slides into a trouser pocket, closes around an object and draws it out
arms: the arm lowers to the hip, then lifts the object up to chest height
hips: turn slightly to open the pocket
legs: stand still
feet: stay planted
vis: the hand goes into the pocket empty
vis: the hand comes out holding a small object such as a phone, wallet or keys
vis: the object is raised in front of the chest and looked at
vis: the direction is out of the pocket, opposite to putting something in
@ taking a selfie <- ntu120
@ tear up paper <- ntu120
@ throw <- ntu120
@ touch back (backache) <- ntu120
@ touch chest (stomachache/heart pain) <- ntu120
@ touch head (headache) <- ntu120
@ touch neck (neckache) <- ntu120
@ typing on a keyboard <- ntu120
@ use a fan (with hand or paper)/feeling warm <- ntu120
@ wear jacket <- ntu120
@ wear on glasses <- ntu120
@ wipe face <- ntu120
@ writing <- ntu120
"""
